-- Silver reference tables: one row per raw reference record, written by the reference sink
-- (processors/reference-sink/) from the raw.* reference topics with their Kafka coordinates, so
-- the generic ClickHouse sink gives them an exactly-once effect (a replayed offset is skipped).
--
-- Nothing is resolved at write time. "Later row wins" (DESIGN §6: a repeated employee, seller-
-- month target or store-month target; among dated periods with equal data_inicio) is resolved at
-- query time by Kafka order: argMax(…, tuple(_partition, _offset)); the reference topics have one
-- partition, so that is file order, and a later file overrides an earlier one.
--
-- Money is integer cents (never a float); dates are Date, an open data_fim / end_date is NULL.
-- `cpf_pseudonym` is already the connector's keyed pseudonym; name and surname are the only
-- personal data in clear (DESIGN §11). Reference tables are small (thousands of rows) and keyed
-- by Kafka order, except daily stock, which grows with stores × products × days and is therefore
-- partitioned by month and keyed for its (store, product, date) lookups.
CREATE TABLE IF NOT EXISTS ref_employees (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    id_employee String,
    name String,
    surname String,
    cpf_pseudonym String,
    status String,
    role String,
    initial_date Date,
    end_date Nullable(Date),
    store_id String,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_stores (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    nome_loja String,
    regiao String,
    diretoria String,
    data_inauguracao Date,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_sku_dataset (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    cod_prod String,
    nome_abrev String,
    nome_completo String,
    descricao String,
    categoria String,
    sub_categoria String,
    marca String,
    conteudo_valor String,
    conteudo_medida String,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_sku_status (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    cod_prod String,
    data_inicio Date,
    data_fim Nullable(Date),
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_sku_price (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    cod_prod String,
    data_inicio Date,
    data_fim Nullable(Date),
    preco_cents Int64,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_sku_cost (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    cod_prod String,
    data_inicio Date,
    data_fim Nullable(Date),
    custo_cents Int64,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_targets_salesperson (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    id_employee String,
    month String,
    sales_target_cents Int64,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_targets_store (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    month String,
    store_id String,
    sales_target_cents Int64,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
ORDER BY (_topic, _partition, _offset);

CREATE TABLE IF NOT EXISTS ref_daily_stock (
    _topic String,
    _partition UInt32,
    _offset UInt64,
    data Date,
    cod_loja String,
    cod_prod String,
    quantidade Int32,
    source_file String,
    source_line UInt64
) ENGINE = MergeTree()
PARTITION BY toYYYYMM(data)
ORDER BY (cod_loja, cod_prod, data);
