-- Dedupe and co-purchase (DESIGN §5, §6), decided by the sales processor per Kafka partition of
-- raw.transactions (keyed by basket, so a basket's lines — and so every line identity — live in
-- one partition) and written in the SAME insert as the line itself, so a retried or replayed
-- batch can never count a pair or a duplicate twice:
--
-- * `rejection` = '' for an accepted line; 'duplicate' for a later occurrence of a line identity
--   (cod_loja, cod_transacao, cod_prod). Rejected rows stay in silver (they carry Kafka
--   coordinates, so the sink's watermark covers them) and also go to `dlq.processing`; every
--   gold view reads accepted rows only.
-- * `pair_partners` = for an accepted line with quantidade > 0, the distinct products with
--   quantidade > 0 that its basket already held (earlier lines, in any file or order). Each
--   unordered pair of a basket is thus held by exactly one line: the later of the two.
-- (18.16 has no ADD COLUMN IF NOT EXISTS: the migration runner skips an ADD COLUMN that exists.)
ALTER TABLE sales_lines ADD COLUMN rejection String DEFAULT '';
ALTER TABLE sales_lines ADD COLUMN pair_partners Array(String);

-- The gold views of 0002 again, reading accepted rows only.
DROP TABLE IF EXISTS seller_month_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS seller_month_mv TO seller_month AS
SELECT
    month,
    seller_id,
    sumState(revenue_cents) AS revenue_cents,
    sumState(if(high_margin = 1, toInt64(quantidade) * preco_cents, toInt64(0))) AS revenue_high_margin_cents,
    sumState(if(high_margin = 1, toInt64(0), commission_micro)) AS commission_base_micro,
    sumState(if(high_margin = 1, commission_micro, toInt64(0))) AS commission_bonus_micro,
    countState() AS lines,
    uniqExactState(basket_id) AS baskets
FROM sales_lines
WHERE rejection = ''
GROUP BY month, seller_id;

DROP TABLE IF EXISTS store_month_mv;
CREATE MATERIALIZED VIEW IF NOT EXISTS store_month_mv TO store_month AS
SELECT
    month,
    store_id,
    sumState(revenue_cents) AS revenue_cents,
    sumState(toInt64(quantidade)) AS items,
    countState() AS lines,
    uniqExactState(basket_id) AS baskets
FROM sales_lines
WHERE rejection = ''
GROUP BY month, store_id;

-- Accepted lines by basket: the processor's dedupe and basket state (primary-key lookups by
-- basket_id, whatever the history's length).
CREATE TABLE IF NOT EXISTS basket_lines (
    month String,
    basket_id String,
    product_id String,
    quantidade Int32
) ENGINE = MergeTree()
PARTITION BY month
ORDER BY (basket_id, product_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS basket_lines_mv TO basket_lines AS
SELECT month, basket_id, product_id, quantidade
FROM sales_lines
WHERE rejection = '';

-- Gold: co-purchase pair counts in both directions (product → other), so the complements of a
-- product are one primary-key range. Partitioned by month like every table derived from
-- sales_lines (the backfill replaces months whole). Two views, one per direction: 18.16 cannot
-- ARRAY JOIN an expression of tuples in a view, and its output aliases must not equal a source
-- column (they would shadow it), hence `product` / `other` rather than `product_id`.
CREATE TABLE IF NOT EXISTS co_purchase (
    month String,
    product String,
    other String,
    baskets UInt64
) ENGINE = SummingMergeTree(baskets)
PARTITION BY month
ORDER BY (product, other);

CREATE MATERIALIZED VIEW IF NOT EXISTS co_purchase_fwd_mv TO co_purchase AS
SELECT month, product_id AS product, partner_id AS other, toUInt64(1) AS baskets
FROM sales_lines
ARRAY JOIN pair_partners AS partner_id
WHERE rejection = '';

CREATE MATERIALIZED VIEW IF NOT EXISTS co_purchase_rev_mv TO co_purchase AS
SELECT month, partner_id AS product, product_id AS other, toUInt64(1) AS baskets
FROM sales_lines
ARRAY JOIN pair_partners AS partner_id
WHERE rejection = '';
