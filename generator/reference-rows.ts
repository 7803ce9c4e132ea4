/**
 * The partner's reference files (DESIGN §4): their names, delimiters and columns, and their rows
 * built from the generated network, catalog and histories. Dates are `YYYY-MM-DD`, an empty
 * `data_fim` / `end_date` is an open period, money has two decimals.
 */
import type { Catalog } from "./catalog.ts";
import { formatCents, isoDate } from "./civil-date.ts";
import type { CsvSpec } from "./csv-table.ts";
import type { Network } from "./network.ts";
import type { ValuePeriod } from "./price-history.ts";

/** `store_final.csv`. */
export const STORE_SPEC: CsvSpec = {
  name: "store_final.csv",
  delimiter: ",",
  columns: ["nome_loja", "regiao", "diretoria", "data_inauguracao"],
};

/** `employee_final.csv`. */
export const EMPLOYEE_SPEC: CsvSpec = {
  name: "employee_final.csv",
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
};

/** `sku_dataset.csv`. */
export const PRODUCT_SPEC: CsvSpec = {
  name: "sku_dataset.csv",
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
};

/** `sku_status_dataset.csv`. */
export const STATUS_SPEC: CsvSpec = {
  name: "sku_status_dataset.csv",
  delimiter: ";",
  columns: ["cod_prod", "data_inicio", "data_fim"],
};

/** `sku_price.csv`. */
export const PRICE_SPEC: CsvSpec = {
  name: "sku_price.csv",
  delimiter: ",",
  columns: ["cod_prod", "data_inicio", "data_fim", "preco"],
};

/** `sku_cost.csv`. */
export const COST_SPEC: CsvSpec = {
  name: "sku_cost.csv",
  delimiter: ",",
  columns: ["cod_prod", "data_inicio", "data_fim", "custo"],
};

/** `targets_salesperson_final.csv`. */
export const SELLER_TARGET_SPEC: CsvSpec = {
  name: "targets_salesperson_final.csv",
  delimiter: ",",
  columns: ["id_employee", "sales_target", "month"],
};

/** `target_store_final.csv`. */
export const STORE_TARGET_SPEC: CsvSpec = {
  name: "target_store_final.csv",
  delimiter: ",",
  columns: ["month", "store_id", "sales_target"],
};

const endOrEmpty = (end: number | null): string => (end === null ? "" : isoDate(end));

/** Rows of `store_final.csv`. */
export function storeRows(network: Network): string[][] {
  return network.stores.map((s) => [s.code, s.regiao, s.diretoria, isoDate(s.inauguration)]);
}

/** Rows of `employee_final.csv` (people who left are `não ativo` with their `end_date`). */
export function employeeRows(network: Network): string[][] {
  return network.employees.map((e) => [
    e.id,
    e.name,
    e.surname,
    e.cpf,
    e.end === null ? "ativo" : "não ativo",
    e.role,
    isoDate(e.start),
    endOrEmpty(e.end),
    network.stores[e.storeIndex]?.code ?? "",
  ]);
}

/** Rows of `sku_dataset.csv`. */
export function productRows(catalog: Catalog): string[][] {
  return catalog.products.map((p) => [
    p.code,
    p.nomeAbrev,
    p.nomeCompleto,
    p.descricao,
    p.sub.categoria,
    p.sub.sub,
    p.brand,
    p.conteudoValor,
    p.conteudoMedida,
  ]);
}

/** Rows of `sku_status_dataset.csv` (one per active period). */
export function statusRows(catalog: Catalog): string[][] {
  return catalog.products.flatMap((p) => p.active.map((a) => [p.code, isoDate(a.start), endOrEmpty(a.end)]));
}

/** Rows of `sku_price.csv` or `sku_cost.csv` from periods per product index. */
export function periodRows(catalog: Catalog, periods: readonly (readonly ValuePeriod[])[]): string[][] {
  return catalog.products.flatMap((p) =>
    (periods[p.index] ?? []).map((v) => [p.code, isoDate(v.start), endOrEmpty(v.end), formatCents(v.cents)]),
  );
}
