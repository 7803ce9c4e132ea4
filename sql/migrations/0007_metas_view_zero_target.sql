-- vw_cumprimento_metas_mensal_vendedor again (0006), for targets of 0: ClickHouse 18.16 evaluates
-- both branches of if(), so a zero target made the whole view fail with "Division by zero"; the
-- divisor is now at least 1 where its branch is not taken. Same columns and corrections as 0006.
DROP TABLE IF EXISTS vw_cumprimento_metas_mensal_vendedor;
CREATE VIEW IF NOT EXISTS vw_cumprimento_metas_mensal_vendedor AS
SELECT
    id_employee,
    month,
    month AS ano_mes,
    toDecimal64(target_cents, 2) / 100 AS sales_target,
    toDecimal64(revenue_cents, 2) / 100 AS total_vendido,
    if(target_cents > 0, toNullable(toDecimal64(revenue_cents * 100, 2) / greatest(target_cents, 1)), NULL) AS percentual_atingido
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
