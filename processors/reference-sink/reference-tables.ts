/**
 * Where each raw reference topic lands in ClickHouse (sql/migrations/0004): the silver table and
 * the row of a decoded record, without the Kafka coordinates (the sink adds them). Money becomes
 * integer cents (`centsOf`: exact, never a float); everything else is kept as the partner wrote
 * it — `cpf_pseudonym` is already the connector's keyed pseudonym.
 *
 * @example
 *   const { table, toRow } = REFERENCE_TABLES.rawSkuPrice;
 *   toRow(priceRecord); // { cod_prod, data_inicio, data_fim, preco_cents, … }
 */
import type { SilverRow } from "../../connectors/clickhouse-sink/sink.ts";
import type {
  RawDailyStock,
  RawEmployee,
  RawProduct,
  RawProductCost,
  RawProductPrice,
  RawProductStatus,
  RawSellerTarget,
  RawStore,
  RawStoreTarget,
} from "../../schemas/raw-records.ts";
import type { TopicKey } from "../../streams/topics.ts";
import { centsOf } from "../domain/money.ts";

export interface ReferenceTable<T> {
  readonly table: string;
  readonly toRow: (record: T) => SilverRow;
}

/** Cents as a JSON number: reference amounts are far below 2^53. */
const cents = (decimal: string): number => Number(centsOf(decimal));

const provenance = (r: { source_file: string; source_line: number }): SilverRow => ({
  source_file: r.source_file,
  source_line: Number(r.source_line),
});

const employees: ReferenceTable<RawEmployee> = {
  table: "ref_employees",
  toRow: (r) => ({
    id_employee: r.id_employee,
    name: r.name,
    surname: r.surname,
    cpf_pseudonym: r.cpf_pseudonym,
    status: r.status,
    role: r.role,
    initial_date: r.initial_date,
    end_date: r.end_date ?? null,
    store_id: r.store_id,
    ...provenance(r),
  }),
};

const stores: ReferenceTable<RawStore> = {
  table: "ref_stores",
  toRow: (r) => ({
    nome_loja: r.nome_loja,
    regiao: r.regiao,
    diretoria: r.diretoria,
    data_inauguracao: r.data_inauguracao,
    ...provenance(r),
  }),
};

const products: ReferenceTable<RawProduct> = {
  table: "ref_sku_dataset",
  toRow: (r) => ({
    cod_prod: r.cod_prod,
    nome_abrev: r.nome_abrev,
    nome_completo: r.nome_completo,
    descricao: r.descricao,
    categoria: r.categoria,
    sub_categoria: r.sub_categoria,
    marca: r.marca,
    conteudo_valor: r.conteudo_valor,
    conteudo_medida: r.conteudo_medida,
    ...provenance(r),
  }),
};

const status: ReferenceTable<RawProductStatus> = {
  table: "ref_sku_status",
  toRow: (r) => ({
    cod_prod: r.cod_prod,
    data_inicio: r.data_inicio,
    data_fim: r.data_fim ?? null,
    ...provenance(r),
  }),
};

const prices: ReferenceTable<RawProductPrice> = {
  table: "ref_sku_price",
  toRow: (r) => ({
    cod_prod: r.cod_prod,
    data_inicio: r.data_inicio,
    data_fim: r.data_fim ?? null,
    preco_cents: cents(r.preco),
    ...provenance(r),
  }),
};

const costs: ReferenceTable<RawProductCost> = {
  table: "ref_sku_cost",
  toRow: (r) => ({
    cod_prod: r.cod_prod,
    data_inicio: r.data_inicio,
    data_fim: r.data_fim ?? null,
    custo_cents: cents(r.custo),
    ...provenance(r),
  }),
};

const sellerTargets: ReferenceTable<RawSellerTarget> = {
  table: "ref_targets_salesperson",
  toRow: (r) => ({
    id_employee: r.id_employee,
    month: r.month,
    sales_target_cents: cents(r.sales_target),
    ...provenance(r),
  }),
};

const storeTargets: ReferenceTable<RawStoreTarget> = {
  table: "ref_targets_store",
  toRow: (r) => ({
    month: r.month,
    store_id: r.store_id,
    sales_target_cents: cents(r.sales_target),
    ...provenance(r),
  }),
};

const stock: ReferenceTable<RawDailyStock> = {
  table: "ref_daily_stock",
  toRow: (r) => ({
    data: r.data,
    cod_loja: r.cod_loja,
    cod_prod: r.cod_prod,
    quantidade: r.quantidade,
    ...provenance(r),
  }),
};

/** Every raw reference topic (by topic key) and its silver table. */
export const REFERENCE_TABLES = {
  rawEmployees: employees,
  rawStores: stores,
  rawSkuDataset: products,
  rawSkuStatus: status,
  rawSkuPrice: prices,
  rawSkuCost: costs,
  rawTargetsSalesperson: sellerTargets,
  rawTargetsStore: storeTargets,
  rawDailyStock: stock,
} as const satisfies Partial<Record<TopicKey, ReferenceTable<never>>>;

export type ReferenceTopicKey = keyof typeof REFERENCE_TABLES;
