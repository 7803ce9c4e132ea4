-- Silver: one row per accepted, de-duplicated, enriched sale line (written by the ClickHouse sink
-- from `sales.normalized`, or by the Spark backfill with _topic = 'backfill'). Money is integer
-- cents; commissions are micro-cents (cents × 10⁻⁶), exact; nothing here is a float.
-- Partitioned by business month so the backfill can replace a month whole.
CREATE TABLE IF NOT EXISTS sales_lines (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    line_id String,
    basket_id String,
    seller_id String,
    seller_role String,
    store_id String,
    transaction_id String,
    product_id String,
    quantidade Int32,
    preco_cents Int64,
    revenue_cents Int64,
    high_margin UInt8,
    commission_rate_micro UInt32,
    commission_micro Int64,
    plan_version UInt32,
    sale_time DateTime,
    local_date Date,
    month String,
    weekday UInt8,
    hour UInt8,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
PARTITION BY month
ORDER BY (_topic, _partition, _offset);

-- Gold: seller-month, kept by a materialized view (exact sums; baskets as exact distinct count).
CREATE TABLE IF NOT EXISTS seller_month (
    month String,
    seller_id String,
    revenue_cents AggregateFunction(sum, Int64),
    revenue_high_margin_cents AggregateFunction(sum, Int64),
    commission_base_micro AggregateFunction(sum, Int64),
    commission_bonus_micro AggregateFunction(sum, Int64),
    lines AggregateFunction(count),
    baskets AggregateFunction(uniqExact, String)
) ENGINE = AggregatingMergeTree()
PARTITION BY month
ORDER BY (month, seller_id);

-- (An output alias equal to a source column shadows it in the other expressions, so the
-- high-margin revenue is computed from quantidade × preco_cents, which is revenue_cents.)
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
GROUP BY month, seller_id;

-- Gold: store-month (revenue, lines, baskets, items) for store comparisons.
CREATE TABLE IF NOT EXISTS store_month (
    month String,
    store_id String,
    revenue_cents AggregateFunction(sum, Int64),
    items AggregateFunction(sum, Int64),
    lines AggregateFunction(count),
    baskets AggregateFunction(uniqExact, String)
) ENGINE = AggregatingMergeTree()
PARTITION BY month
ORDER BY (month, store_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS store_month_mv TO store_month AS
SELECT
    month,
    store_id,
    sumState(revenue_cents) AS revenue_cents,
    sumState(toInt64(quantidade)) AS items,
    countState() AS lines,
    uniqExactState(basket_id) AS baskets
FROM sales_lines
GROUP BY month, store_id;
