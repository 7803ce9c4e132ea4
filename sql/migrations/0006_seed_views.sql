-- The seed's three analyst views (seed-architecture.md, "Modelagem dos Dados") under their seed
-- names, over our silver reference tables and gold aggregates, corrected to DESIGN §6. Money is
-- Decimal(18, 2) made from integer cents (exact; never a float); percentages are Decimal with two
-- places, truncated. Plain views: nothing is stored, every read reflects the current data.
--
-- vw_cumprimento_metas_mensal_vendedor — corrections to the seed:
--   * total_vendido = Σ quantidade × preco (the seed summed `preco`, ignoring quantities and
--     counting a return as a sale);
--   * months are `YYYY-MM` (the seed compared `MM/YYYY` text with formatDateTime(…, '%m/%Y'));
--     the seed's example filters on `ano_mes`, a column its view lacked: both names are here;
--   * a repeated seller-month target: the later row wins (the seed returned one row per repeat,
--     and its join multiplied the sales by the number of repeats);
--   * accepted lines only (duplicates and other dead letters never count), months of the local
--     date in TZ_BUSINESS, read from the seller_month gold aggregate instead of a yearly table;
--   * added percentual_atingido (total_vendido / sales_target × 100; NULL when the target ≤ 0).
CREATE VIEW IF NOT EXISTS vw_cumprimento_metas_mensal_vendedor AS
SELECT
    id_employee,
    month,
    month AS ano_mes,
    toDecimal64(target_cents, 2) / 100 AS sales_target,
    toDecimal64(revenue_cents, 2) / 100 AS total_vendido,
    if(target_cents > 0, toNullable(toDecimal64(revenue_cents * 100, 2) / target_cents), NULL) AS percentual_atingido
FROM
(
    SELECT id_employee, month, argMax(sales_target_cents, tuple(_partition, _offset)) AS target_cents
    FROM ref_targets_salesperson
    GROUP BY id_employee, month
) AS targets
ANY LEFT JOIN
(
    SELECT seller_id AS id_employee, month, sumMerge(revenue_cents) AS revenue_cents
    FROM seller_month
    GROUP BY seller_id, month
) AS sales USING (id_employee, month);

-- cross_sell — corrections to the seed:
--   * a basket is (cod_loja, cod_transacao): the seed joined on cod_transacao alone, pairing
--     products of unrelated sales of different stores;
--   * each unordered pair counts once per basket (the seed counted line pairs, so a product on
--     two lines of a basket, or a duplicate line, counted twice), lines with quantidade > 0 only
--     (no returns), accepted lines only;
--   * product_a < product_b in numeric order of cod_prod (the seed compared text: '10' < '9');
--   * read from the co_purchase gold aggregate (exact whatever file or order a basket's lines
--     arrived in) instead of a self-join of every year's transactions.
CREATE VIEW IF NOT EXISTS cross_sell AS
SELECT
    product AS product_a,
    other AS product_b,
    sum(baskets) AS times_bought_together
FROM co_purchase
WHERE (toUInt64OrZero(product), product) < (toUInt64OrZero(other), other)
GROUP BY product, other
ORDER BY times_bought_together DESC, toUInt64OrZero(product_a), toUInt64OrZero(product_b);

-- vw_margem_lucro_produtos_mensal — corrections to the seed:
--   * one row per product and calendar month in which a list price and a cost apply, from the
--     product's first price period to the current month (the seed put a price period only in the
--     month it started, however long it lasted);
--   * list price and cost are the ones in force on the month's last day (today for the current
--     month), chosen by the period rules: data_inicio ≤ day ≤ data_fim (open end allowed), the
--     latest data_inicio wins, among equal starts the later row (the seed averaged every
--     overlapping price × cost pair, so one price met costs it never had);
--   * the seed joined `p.cod_produto`, a column sku_price does not have; it is cod_prod;
--   * products missing from sku_dataset keep their row (empty names) instead of vanishing;
--   * margem_lucro_mensal stays a percentage ((preco − custo) / preco × 100), and the realized
--     month is beside it: unidades_vendidas and receita (Σ quantidade × preco, accepted lines),
--     from the product_month gold aggregate.
CREATE VIEW IF NOT EXISTS vw_margem_lucro_produtos_mensal AS
SELECT
    cod_prod,
    nome_abrev,
    nome_completo,
    categoria,
    sub_categoria,
    marca,
    ano_mes,
    toDecimal64(preco_cents, 2) / 100 AS preco_lista,
    toDecimal64(custo_cents, 2) / 100 AS custo,
    toDecimal64((preco_cents - custo_cents) * 100, 2) / preco_cents AS margem_lucro_mensal,
    unidades_vendidas,
    toDecimal64(receita_cents, 2) / 100 AS receita
FROM
(
    SELECT cod_prod, ano_mes, preco_cents, custo_cents, unidades_vendidas, receita_cents
    FROM
    (
        SELECT cod_prod, ano_mes, preco_cents, custo_cents
        FROM
        (
            SELECT cod_prod, ano_mes, argMax(preco_cents, tuple(data_inicio, _partition, _offset)) AS preco_cents
            FROM
            (
                SELECT
                    cod_prod,
                    addMonths(first_month, arrayJoin(range(toUInt32(dateDiff('month', first_month, last_month) + 1)))) AS month_start,
                    formatDateTime(month_start, '%Y-%m') AS ano_mes,
                    least(addDays(addMonths(month_start, 1), -1), today()) AS ref_day
                FROM
                (
                    SELECT
                        cod_prod,
                        toStartOfMonth(min(data_inicio)) AS first_month,
                        toStartOfMonth(least(today(), max(ifNull(data_fim, today())))) AS last_month
                    FROM ref_sku_price
                    GROUP BY cod_prod
                    HAVING first_month <= last_month
                )
            ) AS months
            ALL INNER JOIN
            (
                SELECT cod_prod, data_inicio, data_fim, preco_cents, _partition, _offset FROM ref_sku_price
            ) AS prices USING (cod_prod)
            WHERE data_inicio <= ref_day AND (data_fim IS NULL OR data_fim >= ref_day)
            GROUP BY cod_prod, ano_mes
            HAVING preco_cents > 0
        ) AS price_at
        ALL INNER JOIN
        (
            SELECT cod_prod, ano_mes, argMax(custo_cents, tuple(data_inicio, _partition, _offset)) AS custo_cents
            FROM
            (
                SELECT
                    cod_prod,
                    addMonths(first_month, arrayJoin(range(toUInt32(dateDiff('month', first_month, last_month) + 1)))) AS month_start,
                    formatDateTime(month_start, '%Y-%m') AS ano_mes,
                    least(addDays(addMonths(month_start, 1), -1), today()) AS ref_day
                FROM
                (
                    SELECT
                        cod_prod,
                        toStartOfMonth(min(data_inicio)) AS first_month,
                        toStartOfMonth(least(today(), max(ifNull(data_fim, today())))) AS last_month
                    FROM ref_sku_price
                    GROUP BY cod_prod
                    HAVING first_month <= last_month
                )
            ) AS months
            ALL INNER JOIN
            (
                SELECT cod_prod, data_inicio, data_fim, custo_cents, _partition, _offset FROM ref_sku_cost
            ) AS costs USING (cod_prod)
            WHERE data_inicio <= ref_day AND (data_fim IS NULL OR data_fim >= ref_day)
            GROUP BY cod_prod, ano_mes
        ) AS cost_at USING (cod_prod, ano_mes)
    ) AS list
    ANY LEFT JOIN
    (
        SELECT product_id AS cod_prod, month AS ano_mes, sum(units) AS unidades_vendidas, sum(revenue_cents) AS receita_cents
        FROM product_month
        GROUP BY product_id, month
    ) AS sold USING (cod_prod, ano_mes)
) AS margins
ANY LEFT JOIN
(
    SELECT
        cod_prod,
        argMax(nome_abrev, tuple(_partition, _offset)) AS nome_abrev,
        argMax(nome_completo, tuple(_partition, _offset)) AS nome_completo,
        argMax(categoria, tuple(_partition, _offset)) AS categoria,
        argMax(sub_categoria, tuple(_partition, _offset)) AS sub_categoria,
        argMax(marca, tuple(_partition, _offset)) AS marca
    FROM ref_sku_dataset
    GROUP BY cod_prod
) AS catalog USING (cod_prod);
