-- Gold slices of accepted sale lines for the figures module (sql/figures/), each PARTITION BY
-- month (the backfill replaces months whole, see sql/derived-tables.ts) and kept by a
-- materialized view over sales_lines that reads `rejection = ''` (processing_rejections reads
-- the others). Keys follow the figures' lookups, so a query reads a primary-key range of the
-- months it asks for, whatever the history's length.
--
-- Existing silver rows: each table is filled once from sales_lines when it is still empty (the
-- scalar `(SELECT count() FROM t) = 0` makes a re-run of a half-applied migration harmless).
-- Run migrations before the writers start (`npm run process` does): a line inserted between a
-- view's creation and its fill would be counted twice.

-- Sales by store × local date × hour (weekday kept beside the date): peak-hour staffing over the
-- recent weeks. Baskets as an exact distinct count (a basket's lines may arrive in several inserts).
CREATE TABLE IF NOT EXISTS store_hour (
    month String,
    store_id String,
    local_date Date,
    hour UInt8,
    weekday UInt8,
    revenue_cents AggregateFunction(sum, Int64),
    lines AggregateFunction(count),
    baskets AggregateFunction(uniqExact, String)
) ENGINE = AggregatingMergeTree()
PARTITION BY month
ORDER BY (store_id, local_date, hour, weekday);

CREATE MATERIALIZED VIEW IF NOT EXISTS store_hour_mv TO store_hour AS
SELECT
    month,
    store_id,
    local_date,
    hour,
    weekday,
    sumState(revenue_cents) AS revenue_cents,
    countState() AS lines,
    uniqExactState(basket_id) AS baskets
FROM sales_lines
WHERE rejection = ''
GROUP BY month, store_id, local_date, hour, weekday;

INSERT INTO store_hour
SELECT
    month,
    store_id,
    local_date,
    hour,
    weekday,
    sumState(revenue_cents) AS revenue_cents,
    countState() AS lines,
    uniqExactState(basket_id) AS baskets
FROM sales_lines
WHERE rejection = '' AND (SELECT count() FROM store_hour) = 0
GROUP BY month, store_id, local_date, hour, weekday;

-- Units and revenue by store × product × local date: days of stock cover (recent daily units).
CREATE TABLE IF NOT EXISTS store_product_day (
    month String,
    store_id String,
    product_id String,
    local_date Date,
    units Int64,
    revenue_cents Int64,
    lines UInt64
) ENGINE = SummingMergeTree((units, revenue_cents, lines))
PARTITION BY month
ORDER BY (store_id, product_id, local_date);

CREATE MATERIALIZED VIEW IF NOT EXISTS store_product_day_mv TO store_product_day AS
SELECT month, store_id, product_id, local_date, toInt64(quantidade) AS units, revenue_cents, toUInt64(1) AS lines
FROM sales_lines
WHERE rejection = '';

INSERT INTO store_product_day
SELECT month, store_id, product_id, local_date, toInt64(quantidade) AS units, revenue_cents, toUInt64(1) AS lines
FROM sales_lines
WHERE rejection = '' AND (SELECT count() FROM store_product_day) = 0;

-- Units and revenue by product × month: the margin view's realized sales.
CREATE TABLE IF NOT EXISTS product_month (
    month String,
    product_id String,
    units Int64,
    revenue_cents Int64,
    lines UInt64
) ENGINE = SummingMergeTree((units, revenue_cents, lines))
PARTITION BY month
ORDER BY (product_id, month);

CREATE MATERIALIZED VIEW IF NOT EXISTS product_month_mv TO product_month AS
SELECT month, product_id, toInt64(quantidade) AS units, revenue_cents, toUInt64(1) AS lines
FROM sales_lines
WHERE rejection = '';

INSERT INTO product_month
SELECT month, product_id, toInt64(quantidade) AS units, revenue_cents, toUInt64(1) AS lines
FROM sales_lines
WHERE rejection = '' AND (SELECT count() FROM product_month) = 0;

-- Which sellers sold in which store each month (a store's team: sellers with sales there, beside
-- the employee table's store), with their lines and revenue in that store.
CREATE TABLE IF NOT EXISTS seller_store_month (
    month String,
    store_id String,
    seller_id String,
    lines UInt64,
    revenue_cents Int64
) ENGINE = SummingMergeTree((lines, revenue_cents))
PARTITION BY month
ORDER BY (month, store_id, seller_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS seller_store_month_mv TO seller_store_month AS
SELECT month, store_id, seller_id, toUInt64(1) AS lines, revenue_cents
FROM sales_lines
WHERE rejection = '';

INSERT INTO seller_store_month
SELECT month, store_id, seller_id, toUInt64(1) AS lines, revenue_cents
FROM sales_lines
WHERE rejection = '' AND (SELECT count() FROM seller_store_month) = 0;

-- Processing dead letters (rows the processor rejected, e.g. 'duplicate') by month and reason,
-- so counting them never scans the history of sales_lines.
CREATE TABLE IF NOT EXISTS processing_rejections (
    month String,
    rejection String,
    lines UInt64
) ENGINE = SummingMergeTree(lines)
PARTITION BY month
ORDER BY (month, rejection);

CREATE MATERIALIZED VIEW IF NOT EXISTS processing_rejections_mv TO processing_rejections AS
SELECT month, rejection, toUInt64(1) AS lines
FROM sales_lines
WHERE rejection != '';

INSERT INTO processing_rejections
SELECT month, rejection, toUInt64(1) AS lines
FROM sales_lines
WHERE rejection != '' AND (SELECT count() FROM processing_rejections) = 0;
