/**
 * The partner's file kinds (DESIGN §4): how to recognise a file by name, its delimiter and
 * columns, the raw topic its rows go to, the Kafka key of a row, and the row validator.
 * Reference kinds come first in `FILE_KINDS`: a replay loads them before transactions.
 */
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
  RawTransaction,
} from "../../../schemas/raw-records.ts";
import {
  cpfDigits,
  date,
  id,
  integer,
  money,
  moneyCents,
  month,
  optionalDate,
  period,
  required,
  saleInstant,
  type LocalTimeConverter,
} from "./field-rules.ts";
import { reject } from "./reasons.ts";
import type { TopicKey } from "../../../streams/topics.ts";

/** What a validator may need beyond the row itself. */
export interface ValidationContext {
  readonly tz: LocalTimeConverter;
  readonly nowMs: number;
  /** Keyed pseudonym of CPF digits. */
  readonly pseudonymize: (cpfDigits: string) => string;
}

/** A row's fields by column name (the header's order is checked before). */
export type Fields = Readonly<Record<string, string>>;

export interface FileKind<R = object> {
  /** Stable name, also the raw topic's suffix: `raw.<kind>`. */
  readonly kind: string;
  /** Its raw topic in `Topics` (`raw.<kind>`; the name under a prefix is `topics[topicKey]`). */
  readonly topicKey: TopicKey;
  /** Schema file under `schemas/raw/`. */
  readonly schemaFile: string;
  readonly delimiter: "," | ";";
  readonly columns: readonly string[];
  /** Matches the file's base name. */
  readonly matches: (baseName: string) => boolean;
  /** Kafka message key of a validated row. */
  readonly key: (row: R) => string;
  /** Validates one row; throws via `reject` with a reason. Provenance is added by the caller. */
  readonly validate: (f: Fields, ctx: ValidationContext) => Omit<R, "source_file" | "source_line">;
}

const name = (re: RegExp) => (base: string) => re.test(base);

const positiveMoney = (v: string | undefined, field: string): string => {
  const m = money(v, field);
  if (moneyCents(m) <= 0) reject("price_out_of_range", `${field} must be greater than zero, got ${m}`);
  return m;
};

const MAX_PRICE_CENTS = 100_000 * 100;

const stores: FileKind<RawStore> = {
  kind: "stores",
  topicKey: "rawStores",
  schemaFile: "stores.avsc",
  delimiter: ",",
  columns: ["nome_loja", "regiao", "diretoria", "data_inauguracao"],
  matches: name(/^store_final.*\.csv$/i),
  key: (r) => r.nome_loja,
  validate: (f) => ({
    nome_loja: id(f.nome_loja, "nome_loja"),
    regiao: required(f.regiao, "regiao"),
    diretoria: required(f.diretoria, "diretoria"),
    data_inauguracao: date(f.data_inauguracao, "data_inauguracao"),
  }),
};

const employees: FileKind<RawEmployee> = {
  kind: "employees",
  topicKey: "rawEmployees",
  schemaFile: "employees.avsc",
  delimiter: ",",
  columns: [
    "id_employee",
    "name",
    "surname",
    "cpf",
    "status",
    "role",
    "initial_date",
    "end_date",
    "store_id",
  ],
  matches: name(/^employee_final.*\.csv$/i),
  key: (r) => r.id_employee,
  validate: (f, ctx) => {
    const status = required(f.status, "status").toLowerCase();
    if (status !== "ativo" && status !== "não ativo")
      reject("bad_value", `status must be "ativo" or "não ativo", got ${JSON.stringify(f.status)}`);
    const role = required(f.role, "role").toLowerCase();
    if (role !== "vendedor" && role !== "gerente")
      reject("bad_value", `role must be "vendedor" or "gerente", got ${JSON.stringify(f.role)}`);
    const initial = date(f.initial_date, "initial_date");
    const end = optionalDate(f.end_date, "end_date");
    period(initial, end, "employment");
    return {
      id_employee: id(f.id_employee, "id_employee"),
      name: required(f.name, "name"),
      surname: required(f.surname, "surname"),
      cpf_pseudonym: ctx.pseudonymize(cpfDigits(f.cpf, "cpf")),
      status,
      role,
      initial_date: initial,
      end_date: end,
      store_id: id(f.store_id, "store_id"),
    };
  },
};

const products: FileKind<RawProduct> = {
  kind: "sku_dataset",
  topicKey: "rawSkuDataset",
  schemaFile: "sku_dataset.avsc",
  delimiter: ";",
  columns: [
    "cod_prod",
    "nome_abrev",
    "nome_completo",
    "descricao",
    "categoria",
    "sub_categoria",
    "marca",
    "conteudo_valor",
    "conteudo_medida",
  ],
  matches: name(/^sku_dataset.*\.csv$/i),
  key: (r) => r.cod_prod,
  validate: (f) => {
    const valor = (f.conteudo_valor ?? "").trim();
    if (valor !== "" && !/^\d+(?:\.\d+)?$/.test(valor))
      reject("not_numeric", `conteudo_valor must be a number, got ${JSON.stringify(valor)}`);
    return {
      cod_prod: id(f.cod_prod, "cod_prod"),
      nome_abrev: required(f.nome_abrev, "nome_abrev"),
      nome_completo: (f.nome_completo ?? "").trim(),
      descricao: (f.descricao ?? "").trim(),
      categoria: required(f.categoria, "categoria"),
      sub_categoria: (f.sub_categoria ?? "").trim(),
      marca: (f.marca ?? "").trim(),
      conteudo_valor: valor,
      conteudo_medida: (f.conteudo_medida ?? "").trim(),
    };
  },
};

const pricePeriod = (f: Fields) => {
  const start = date(f.data_inicio, "data_inicio");
  const end = optionalDate(f.data_fim, "data_fim");
  period(start, end, "period");
  return { cod_prod: id(f.cod_prod, "cod_prod"), data_inicio: start, data_fim: end };
};

const prices: FileKind<RawProductPrice> = {
  kind: "sku_price",
  topicKey: "rawSkuPrice",
  schemaFile: "sku_price.avsc",
  delimiter: ",",
  columns: ["cod_prod", "data_inicio", "data_fim", "preco"],
  matches: name(/^sku_price.*\.csv$/i),
  key: (r) => r.cod_prod,
  validate: (f) => ({ ...pricePeriod(f), preco: positiveMoney(f.preco, "preco") }),
};

const costs: FileKind<RawProductCost> = {
  kind: "sku_cost",
  topicKey: "rawSkuCost",
  schemaFile: "sku_cost.avsc",
  delimiter: ",",
  columns: ["cod_prod", "data_inicio", "data_fim", "custo"],
  matches: name(/^sku_cost.*\.csv$/i),
  key: (r) => r.cod_prod,
  validate: (f) => ({ ...pricePeriod(f), custo: positiveMoney(f.custo, "custo") }),
};

const statuses: FileKind<RawProductStatus> = {
  kind: "sku_status",
  topicKey: "rawSkuStatus",
  schemaFile: "sku_status.avsc",
  delimiter: ";",
  columns: ["cod_prod", "data_inicio", "data_fim"],
  matches: name(/^sku_status_dataset.*\.csv$/i),
  key: (r) => r.cod_prod,
  validate: pricePeriod,
};

const nonNegativeMoney = (v: string | undefined, field: string): string => {
  const m = money(v, field);
  if (moneyCents(m) < 0) reject("price_out_of_range", `${field} must not be negative, got ${m}`);
  return m;
};

const sellerTargets: FileKind<RawSellerTarget> = {
  kind: "targets_salesperson",
  topicKey: "rawTargetsSalesperson",
  schemaFile: "targets_salesperson.avsc",
  delimiter: ",",
  columns: ["id_employee", "sales_target", "month"],
  matches: name(/^targets_salesperson_final.*\.csv$/i),
  key: (r) => `${r.id_employee}|${r.month}`,
  validate: (f) => ({
    id_employee: id(f.id_employee, "id_employee"),
    sales_target: nonNegativeMoney(f.sales_target, "sales_target"),
    month: month(f.month, "month"),
  }),
};

const storeTargets: FileKind<RawStoreTarget> = {
  kind: "targets_store",
  topicKey: "rawTargetsStore",
  schemaFile: "targets_store.avsc",
  delimiter: ",",
  columns: ["month", "store_id", "sales_target"],
  matches: name(/^target_store_final.*\.csv$/i),
  key: (r) => `${r.store_id}|${r.month}`,
  validate: (f) => ({
    month: month(f.month, "month"),
    store_id: id(f.store_id, "store_id"),
    sales_target: nonNegativeMoney(f.sales_target, "sales_target"),
  }),
};

const stock: FileKind<RawDailyStock> = {
  kind: "daily_stock",
  topicKey: "rawDailyStock",
  schemaFile: "daily_stock.avsc",
  delimiter: ",",
  columns: ["data", "cod_loja", "cod_prod", "quantidade"],
  matches: name(/^daily_stock.*\.csv$/i),
  key: (r) => `${r.cod_loja}|${r.cod_prod}`,
  validate: (f) => {
    const q = integer(f.quantidade, "quantidade");
    if (q < 0) reject("quantity_out_of_range", `quantidade must not be negative, got ${q}`);
    return {
      data: date(f.data, "data"),
      cod_loja: id(f.cod_loja, "cod_loja"),
      cod_prod: id(f.cod_prod, "cod_prod"),
      quantidade: q,
    };
  },
};

const transactions: FileKind<RawTransaction> = {
  kind: "transactions",
  topicKey: "rawTransactions",
  schemaFile: "transactions.avsc",
  delimiter: ",",
  columns: ["data", "cod_vendedor", "cod_loja", "cod_transacao", "quantidade", "cod_prod", "preco"],
  matches: name(/^(\d{4}|transactions.*)\.csv$/i),
  // Keyed by basket, not seller: a basket's lines (and so every line identity) share a partition,
  // which makes the processor's dedupe and co-purchase exact per partition; seller figures are
  // aggregated in ClickHouse and need no seller locality.
  key: (r) => `${r.cod_loja}|${r.cod_transacao}`,
  validate: (f, ctx) => {
    // Presence first, so that an empty field is reported as missing rather than malformed.
    for (const c of ["data", "cod_vendedor", "cod_loja", "cod_transacao", "quantidade", "cod_prod", "preco"])
      required(f[c], c);
    const row = {
      data: f.data!.trim(),
      cod_vendedor: id(f.cod_vendedor, "cod_vendedor"),
      cod_loja: id(f.cod_loja, "cod_loja"),
      cod_transacao: id(f.cod_transacao, "cod_transacao"),
      quantidade: integer(f.quantidade, "quantidade"),
      cod_prod: id(f.cod_prod, "cod_prod"),
      preco: money(f.preco, "preco"),
    };
    if (row.quantidade === 0 || Math.abs(row.quantidade) > 1000)
      reject(
        "quantity_out_of_range",
        `quantidade must be non-zero and at most 1000 in size, got ${row.quantidade}`,
      );
    const cents = moneyCents(row.preco);
    if (cents <= 0 || cents > MAX_PRICE_CENTS)
      reject("price_out_of_range", `preco must be above 0 and at most 100000, got ${row.preco}`);
    saleInstant(row.data, "data", ctx.tz, ctx.nowMs);
    return row;
  },
};

/** Every kind, in load order: reference data first, transactions last. */
export const FILE_KINDS: readonly FileKind[] = [
  stores,
  employees,
  products,
  statuses,
  prices,
  costs,
  sellerTargets,
  storeTargets,
  stock,
  transactions,
] as readonly FileKind[];

/** The kind of a bucket key by its base name, or undefined for files we do not know. */
export function kindOf(key: string): FileKind | undefined {
  const base = key.split("/").pop() ?? key;
  return FILE_KINDS.find((k) => k.matches(base));
}

/** Load-order rank of a kind (reference data before transactions). */
export const kindRank = (k: FileKind): number => FILE_KINDS.indexOf(k);
