/**
 * The SQL of the figures module (sql/figures/index.ts): every query it runs, built only with the
 * `sql` helper (values quoted there). They run on ClickHouse 18.16 and on current ClickHouse:
 * one JOIN at most per SELECT (18.16), aliased join subqueries (current), no query parameters.
 *
 * Speed on years of history: sales figures read the gold aggregates by primary-key ranges
 * (month first, or store then date) and name the months they need, so the partitions of other
 * months are never opened. Reference tables are small (thousands of rows), except daily stock,
 * read by (store, product, date) with a bounded look-back.
 *
 * "Later row wins" is Kafka order: argMax(…, tuple(_partition, _offset)); dated periods pick
 * the row covering the date with the latest data_inicio, then the later row (DESIGN §6).
 * 64-bit integers come back as text (toString) and are parsed as bigint by the caller.
 */
import { raw, sql, type SqlFragment } from "../../lib/clickhouse/sql.ts";

const LATER = raw("tuple(_partition, _offset)");
const PERIOD = raw("tuple(data_inicio, _partition, _offset)");

/** `col IN ('a', 'b')` (or a false condition for an empty list); every value quoted by `sql`. */
export function inList(col: SqlFragment, values: readonly string[]): SqlFragment {
  if (values.length === 0) return raw("0");
  let list = sql`${values[0]!}`;
  for (const v of values.slice(1)) list = sql`${list}, ${v}`;
  return sql`${col} IN (${list})`;
}

/** Condition: a dated period row covers `date`. */
const covers = (date: string): SqlFragment =>
  sql`data_inicio <= toDate(${date}) AND (data_fim IS NULL OR data_fim >= toDate(${date}))`;

// === Sellers

export interface SellerMonthFigures {
  seller_id: string;
  revenue_cents: string;
  commission_micro: string;
  lines: string;
  baskets: string;
}

/** Seller-month gold sums of one month for the sellers matching `sellers` (a condition on seller_id). */
export const sellerMonthFigures = (month: string, sellers: SqlFragment): SqlFragment =>
  sql`SELECT seller_id,
    toString(sumMerge(revenue_cents)) AS revenue_cents,
    toString(sumMerge(commission_base_micro) + sumMerge(commission_bonus_micro)) AS commission_micro,
    toString(countMerge(lines)) AS lines,
    toString(uniqExactMerge(baskets)) AS baskets
  FROM seller_month
  WHERE month = ${month} AND ${sellers}
  GROUP BY seller_id`;

export interface EmployeeRow {
  id_employee: string;
  name: string;
  surname: string;
  role: string;
  status: string;
  store_id: string;
  initial_date: string;
  end_date: string | null;
}

/** The latest row of each employee matching `cond` (a condition on the employee columns). */
export const employees = (cond: SqlFragment): SqlFragment =>
  sql`SELECT id_employee,
    argMax(name, ${LATER}) AS name,
    argMax(surname, ${LATER}) AS surname,
    argMax(role, ${LATER}) AS role,
    argMax(status, ${LATER}) AS status,
    argMax(store_id, ${LATER}) AS store_id,
    toString(argMax(initial_date, ${LATER})) AS initial_date,
    argMax(end_date, ${LATER}) AS end_date
  FROM ref_employees
  WHERE ${cond}
  GROUP BY id_employee`;

/**
 * Ids of the employees whose latest row places them in a store and employed during a month
 * (initial_date ≤ last day, end_date open or ≥ first day).
 */
export const storeEmployeeIds = (storeId: string, first: string, last: string): SqlFragment =>
  sql`SELECT id_employee FROM (
    SELECT id_employee,
      argMax(store_id, ${LATER}) AS store,
      argMax(initial_date, ${LATER}) AS since,
      argMax(end_date, ${LATER}) AS until
    FROM ref_employees
    GROUP BY id_employee
  ) AS latest
  WHERE store = ${storeId} AND since <= toDate(${last}) AND (until IS NULL OR until >= toDate(${first}))`;

/** Sellers with accepted sales in a store during a month. */
export const storeSellerIds = (storeId: string, month: string): SqlFragment =>
  sql`SELECT DISTINCT seller_id FROM seller_store_month WHERE month = ${month} AND store_id = ${storeId}`;

export interface SellerStoreRow {
  seller_id: string;
  store_id: string;
  lines: string;
}

/** Accepted lines per (seller, store) in a month, for the sellers matching `sellers`. */
export const sellerStores = (month: string, sellers: SqlFragment): SqlFragment =>
  sql`SELECT seller_id, store_id, toString(sum(lines)) AS lines
  FROM seller_store_month
  WHERE month = ${month} AND ${sellers}
  GROUP BY seller_id, store_id`;

export interface TargetRow {
  id: string;
  target_cents: string;
}

/** The latest seller-month target of the sellers matching `sellers` (condition on id_employee). */
export const sellerTargets = (month: string, sellers: SqlFragment): SqlFragment =>
  sql`SELECT id_employee AS id, toString(argMax(sales_target_cents, ${LATER})) AS target_cents
  FROM ref_targets_salesperson
  WHERE month = ${month} AND ${sellers}
  GROUP BY id_employee`;

// === Stores

export interface StoreMonthFigures {
  store_id: string;
  revenue_cents: string;
  items: string;
  lines: string;
  baskets: string;
}

/** Store-month gold sums of every store in a month. */
export const storeMonthFigures = (month: string): SqlFragment =>
  sql`SELECT store_id,
    toString(sumMerge(revenue_cents)) AS revenue_cents,
    toString(sumMerge(items)) AS items,
    toString(countMerge(lines)) AS lines,
    toString(uniqExactMerge(baskets)) AS baskets
  FROM store_month
  WHERE month = ${month}
  GROUP BY store_id`;

export interface StoreRow {
  store_id: string;
  region: string;
  opened: string;
}

/** The latest row of every store. */
export const stores = (): SqlFragment =>
  sql`SELECT nome_loja AS store_id,
    argMax(regiao, ${LATER}) AS region,
    toString(argMax(data_inauguracao, ${LATER})) AS opened
  FROM ref_stores
  GROUP BY nome_loja`;

/** The latest store-month target of every store in a month. */
export const storeTargets = (month: string): SqlFragment =>
  sql`SELECT store_id AS id, toString(argMax(sales_target_cents, ${LATER})) AS target_cents
  FROM ref_targets_store
  WHERE month = ${month}
  GROUP BY store_id`;

// === Products

export interface ComplementRow {
  other: string;
  together: string;
}

/** Co-purchase partners of a product by pair count, ties by lower cod_prod (numeric order). */
export const complements = (productId: string, limit: number): SqlFragment =>
  sql`SELECT other, toString(sum(baskets)) AS together
  FROM co_purchase
  WHERE product = ${productId}
  GROUP BY other
  ORDER BY sum(baskets) DESC, toUInt64OrZero(other), other
  LIMIT ${limit}`;

export interface ProductRow {
  cod_prod: string;
  name: string;
  category: string;
}

/** Catalog names of some products (latest row). */
export const productNames = (ids: readonly string[]): SqlFragment =>
  sql`SELECT cod_prod, argMax(nome_abrev, ${LATER}) AS name, argMax(categoria, ${LATER}) AS category
  FROM ref_sku_dataset
  WHERE ${inList(raw("cod_prod"), ids)}
  GROUP BY cod_prod`;

export interface ValueAtRow {
  cod_prod: string;
  value: string;
}

/** The list price (cents) of every product with a price period covering `date`. */
export const pricesAt = (date: string): SqlFragment =>
  sql`SELECT cod_prod, toString(argMax(preco_cents, ${PERIOD})) AS value
  FROM ref_sku_price WHERE ${covers(date)} GROUP BY cod_prod`;

/** The cost (cents) of every product with a cost period covering `date`. */
export const costsAt = (date: string): SqlFragment =>
  sql`SELECT cod_prod, toString(argMax(custo_cents, ${PERIOD})) AS value
  FROM ref_sku_cost WHERE ${covers(date)} GROUP BY cod_prod`;

/** Products active at `date` (a sku_status period covers it). */
export const activeAt = (date: string): SqlFragment =>
  sql`SELECT DISTINCT cod_prod FROM ref_sku_status WHERE ${covers(date)}`;

export interface PriceStepRow {
  cod_prod: string;
  start: string;
  end: string | null;
  price_cents: string;
  previous_cents: string;
}

/**
 * For every product with a price period covering `date`: that period (latest start, then the
 * later row) and the price of the period before it (the latest start before the current one,
 * then the later row). Products without an earlier period are left out.
 */
export const priceSteps = (date: string): SqlFragment =>
  sql`SELECT cod_prod, toString(cur_start) AS start, cur_end AS end, toString(cur_price) AS price_cents,
    toString(argMax(preco_cents, ${PERIOD})) AS previous_cents
  FROM (
    SELECT cod_prod, data_inicio, preco_cents, _partition, _offset FROM ref_sku_price WHERE data_inicio < toDate(${date})
  ) AS earlier
  ALL INNER JOIN (
    SELECT cod_prod,
      argMax(data_inicio, ${PERIOD}) AS cur_start,
      argMax(data_fim, ${PERIOD}) AS cur_end,
      argMax(preco_cents, ${PERIOD}) AS cur_price
    FROM ref_sku_price WHERE ${covers(date)} GROUP BY cod_prod
  ) AS current USING (cod_prod)
  WHERE data_inicio < cur_start
  GROUP BY cod_prod, cur_start, cur_end, cur_price`;

// === Staffing and stock

export interface SlotRow {
  weekday: number;
  hour: number;
  baskets: string;
}

/** Baskets per (weekday, hour) of a store over local dates in [from, until], summed over the dates. */
export const storeSlots = (
  storeId: string,
  from: string,
  until: string,
  months: readonly [string, string],
): SqlFragment =>
  sql`SELECT weekday, hour, toString(sum(day_baskets)) AS baskets FROM (
    SELECT local_date, hour, weekday, uniqExactMerge(baskets) AS day_baskets
    FROM store_hour
    WHERE store_id = ${storeId} AND local_date >= toDate(${from}) AND local_date <= toDate(${until})
      AND month >= ${months[0]} AND month <= ${months[1]}
    GROUP BY local_date, hour, weekday
  ) AS days
  GROUP BY weekday, hour
  ORDER BY weekday, hour`;

export interface StockRow {
  cod_loja: string;
  cod_prod: string;
  on_hand: string;
}

/**
 * The latest stock on hand per (store, product) reported in [from, date], for the pairs that sold
 * units (net) over [salesFrom, date] — the only ones that can run out (stock cover needs sales).
 */
export const latestStock = (
  from: string,
  date: string,
  salesFrom: string,
  storeId: string | undefined,
): SqlFragment =>
  sql`SELECT cod_loja, cod_prod, toString(argMax(quantidade, tuple(data, _partition, _offset))) AS on_hand
  FROM ref_daily_stock
  WHERE data >= toDate(${from}) AND data <= toDate(${date}) ${storeId === undefined ? raw("") : sql`AND cod_loja = ${storeId}`}
    AND (cod_loja, cod_prod) IN (
      SELECT store_id, product_id FROM store_product_day
      WHERE local_date >= toDate(${salesFrom}) AND local_date <= toDate(${date})
        AND month >= ${salesFrom.slice(0, 7)} AND month <= ${date.slice(0, 7)}
        ${storeId === undefined ? raw("") : sql`AND store_id = ${storeId}`}
      GROUP BY store_id, product_id
      HAVING sum(units) > 0
    )
  GROUP BY cod_loja, cod_prod`;

export interface UnitsRow {
  store_id: string;
  product_id: string;
  units: string;
}

/** Units sold (net of returns) per (store, product) over local dates in [from, until]. */
export const unitsSold = (
  from: string,
  until: string,
  months: readonly [string, string],
  storeId: string | undefined,
): SqlFragment =>
  sql`SELECT store_id, product_id, toString(sum(units)) AS units
  FROM store_product_day
  WHERE local_date >= toDate(${from}) AND local_date <= toDate(${until})
    AND month >= ${months[0]} AND month <= ${months[1]}
    ${storeId === undefined ? raw("") : sql`AND store_id = ${storeId}`}
  GROUP BY store_id, product_id`;

// === Operations

export interface RejectionRow {
  rejection: string;
  lines: string;
}

/** Processing dead letters (rejected silver rows) by reason. */
export const rejections = (): SqlFragment =>
  sql`SELECT rejection, toString(sum(lines)) AS lines FROM processing_rejections GROUP BY rejection ORDER BY rejection`;
