/**
 * The figures module: every number the API, the dashboard and the bot show (DESIGN §6, §8),
 * read from the gold aggregates and the silver reference tables and finished with the domain
 * rules of `processors/domain/rules.ts` (attainment, month multiplier, month commission) — one
 * implementation of `Figures` (./contract.ts), exact to the cent.
 *
 * Conventions (see contract.ts): money "1234.56", ratios four places, counts numbers, months
 * `YYYY-MM`, dates `YYYY-MM-DD`; a figure that does not exist is null; an unknown seller or
 * store without any data is `undefined`. Malformed input throws `VT_ERR_API_BAD_REQUEST`.
 *
 * @example
 *   const figures = createFigures({ ch, plan: DEFAULT_PLAN });
 *   const s = await figures.sellerSummary({ sellerId: "10001", month: "2024-05" });
 *   s?.commission; // "1234.56"
 */
import { queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { raw, sql, type SqlFragment } from "../../lib/clickhouse/sql.ts";
import { VT_ERR_API_BAD_REQUEST } from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";
import type { CommissionPlan } from "../../processors/domain/commission-plan.ts";
import { RATE_SCALE, centsOf, divRoundHalfAway, formatCents } from "../../processors/domain/money.ts";
import { monthCommissionCents, multiplierFor, nextTier } from "../../processors/domain/rules.ts";
import type {
  Complement,
  Employee,
  Figures,
  FiguresDeps,
  MarginProduct,
  NetworkSummary,
  ProcessingDeadLetters,
  Promotion,
  SellerSummary,
  StaffingSlot,
  StockAlert,
  StoreSummary,
} from "./contract.ts";
import { ceilDiv, compareIds, millionths4, ratio, toMillionths } from "./format.ts";
import * as q from "./queries.ts";

export type * from "./contract.ts";

/** Days of sales behind "recent average daily units" (stock cover). */
export const STOCK_SALES_DAYS = 28;
/** How far back the latest stock report is looked for. */
export const STOCK_LOOKBACK_DAYS = 90;

// === Input validation

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** Ids are quoted by the `sql` helper whatever they hold; this only bounds them (no control characters). */
// eslint-disable-next-line no-control-regex
const ID = /^[^\u0000-\u001f\u007f]{1,64}$/;

const bad = (what: string): never => {
  throw new VitrineError(VT_ERR_API_BAD_REQUEST, what);
};
const checkMonth = (m: string): string =>
  MONTH.test(m) ? m : bad(`month must be YYYY-MM: ${JSON.stringify(m)}`);
const checkDate = (d: string): string => {
  if (!DATE.test(d) || toDay(d) === undefined) bad(`date must be YYYY-MM-DD: ${JSON.stringify(d)}`);
  return d;
};
const checkId = (what: string, id: string): string =>
  ID.test(id) ? id : bad(`${what} must be 1–64 characters without control characters`);
const checkCount = (what: string, n: number, max: number): number =>
  Number.isInteger(n) && n >= 1 && n <= max ? n : bad(`${what} must be an integer from 1 to ${max}`);

// === Calendar (UTC arithmetic on civil dates)

const DAY_MS = 86_400_000;
function toDay(d: string): number | undefined {
  const ms = Date.parse(`${d}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== d) return undefined;
  return ms / DAY_MS;
}
const fromDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const addDays = (d: string, n: number): string => fromDay(toDay(d)! + n);
const monthOf = (d: string): string => d.slice(0, 7);
function lastDayOf(month: string): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

// === Helpers

const big = (s: string | undefined | null): bigint => (s === undefined || s === null ? 0n : BigInt(s));
const byId = <T>(rows: readonly T[], key: (r: T) => string): Map<string, T> =>
  new Map(rows.map((r) => [key(r), r]));

/** Ratio with four places, or null when there is no positive denominator. */
const attainment = (revenue: bigint, target: bigint | undefined): string | null =>
  target === undefined || target <= 0n ? null : ratio(revenue, target, 4);

/** revenue / baskets as money; "0.00" without baskets. */
const perBasketMoney = (cents: bigint, baskets: bigint): string =>
  baskets > 0n ? formatCents(divRoundHalfAway(cents, baskets)) : "0.00";
const perBasket = (n: bigint, baskets: bigint): string => (baskets > 0n ? ratio(n, baskets, 4) : "0.0000");

/** Competition rank by revenue (1 + stores with strictly more revenue). */
const rankOf = (revenue: bigint, all: readonly bigint[]): number => 1 + all.filter((r) => r > revenue).length;

/**
 * Creates the figures module.
 *
 * @param deps.ch ClickHouse client on the Vitrine database
 * @param deps.plan commission plan (tiers, roles without commission)
 */
export function createFigures(deps: FiguresDeps): Figures {
  const { ch, plan } = deps;
  const rows = <T>(query: SqlFragment): Promise<T[]> => queryRows<T>(ch, query);

  /** Seller summaries of one month for a set of ids (sales, latest employee row, latest target). */
  async function summaries(month: string, ids: readonly string[]): Promise<SellerSummary[]> {
    if (ids.length === 0) return [];
    const [sales, people, targets, soldIn] = await Promise.all([
      rows<q.SellerMonthFigures>(q.sellerMonthFigures(month, q.inList(raw("seller_id"), ids))),
      rows<q.EmployeeRow>(q.employees(q.inList(raw("id_employee"), ids))),
      rows<q.TargetRow>(q.sellerTargets(month, q.inList(raw("id_employee"), ids))),
      rows<q.SellerStoreRow>(q.sellerStores(month, q.inList(raw("seller_id"), ids))),
    ]);
    const s = byId(sales, (r) => r.seller_id);
    const e = byId(people, (r) => r.id_employee);
    const t = byId(targets, (r) => r.id);
    // A seller without an employee row belongs to the store where they sold most that month.
    const mainStore = new Map<string, q.SellerStoreRow>();
    for (const r of soldIn) {
      const best = mainStore.get(r.seller_id);
      if (
        !best ||
        Number(r.lines) > Number(best.lines) ||
        (r.lines === best.lines && compareIds(r.store_id, best.store_id) < 0)
      )
        mainStore.set(r.seller_id, r);
    }
    const out: SellerSummary[] = [];
    for (const id of ids) {
      const fig = s.get(id);
      const emp = e.get(id);
      const tgt = t.get(id);
      if (!fig && !emp && !tgt) continue;
      out.push(sellerSummaryOf(plan, id, month, fig, emp, tgt, mainStore.get(id)?.store_id));
    }
    return out;
  }

  async function ranking(month: string): Promise<StoreSummary[]> {
    const [sales, refs, targets] = await Promise.all([
      rows<q.StoreMonthFigures>(q.storeMonthFigures(month)),
      rows<q.StoreRow>(q.stores()),
      rows<q.TargetRow>(q.storeTargets(month)),
    ]);
    const s = byId(sales, (r) => r.store_id);
    const r = byId(refs, (x) => x.store_id);
    const t = byId(targets, (x) => x.id);
    const last = lastDayOf(month);
    const ids = new Set<string>(sales.map((x) => x.store_id));
    for (const x of refs) if (x.opened <= last) ids.add(x.store_id);
    const base = [...ids].map((id) => {
      const fig = s.get(id);
      return {
        id,
        revenue: big(fig?.revenue_cents),
        items: big(fig?.items),
        baskets: big(fig?.baskets),
        target: t.has(id) ? big(t.get(id)!.target_cents) : undefined,
        region: r.get(id)?.region ?? null,
      };
    });
    const all = base.map((b) => b.revenue);
    return base
      .map((b): StoreSummary => ({
        storeId: b.id,
        month,
        revenue: formatCents(b.revenue),
        target: b.target === undefined ? null : formatCents(b.target),
        attainment: attainment(b.revenue, b.target),
        baskets: Number(b.baskets),
        avgTicket: perBasketMoney(b.revenue, b.baskets),
        itemsPerBasket: perBasket(b.items, b.baskets),
        rankNetwork: rankOf(b.revenue, all),
        rankRegion: rankOf(
          b.revenue,
          base.filter((o) => o.region === b.region).map((o) => o.revenue),
        ),
        region: b.region,
      }))
      .sort((a, b) => a.rankNetwork - b.rankNetwork || compareIds(a.storeId, b.storeId));
  }

  async function names(ids: readonly string[]): Promise<Map<string, q.ProductRow>> {
    if (ids.length === 0) return new Map();
    const sorted = [...new Set(ids)].sort(compareIds);
    return byId(await rows<q.ProductRow>(q.productNames(sorted)), (r) => r.cod_prod);
  }

  return {
    async sellerSummary({ sellerId, month }) {
      const [one] = await summaries(checkMonth(month), [checkId("sellerId", sellerId)]);
      return one;
    },

    async storeSellers({ storeId, month }) {
      checkMonth(month);
      checkId("storeId", storeId);
      const [sold, staff] = await Promise.all([
        rows<{ seller_id: string }>(q.storeSellerIds(storeId, month)),
        rows<{ id_employee: string }>(q.storeEmployeeIds(storeId, `${month}-01`, lastDayOf(month))),
      ]);
      // Sorted: the same question always sends the same query text.
      const ids = [...new Set([...sold.map((r) => r.seller_id), ...staff.map((r) => r.id_employee)])].sort(
        compareIds,
      );
      const list = await summaries(month, ids);
      return list.sort(
        (a, b) => cmpBig(centsOf(b.revenue), centsOf(a.revenue)) || compareIds(a.sellerId, b.sellerId),
      );
    },

    async storeSummary({ storeId, month }) {
      checkId("storeId", storeId);
      return (await ranking(checkMonth(month))).find((s) => s.storeId === storeId);
    },

    async storeRanking({ month }) {
      return ranking(checkMonth(month));
    },

    async networkSummary({ month }): Promise<NetworkSummary> {
      checkMonth(month);
      const [sales, targets, list] = await Promise.all([
        rows<q.StoreMonthFigures>(q.storeMonthFigures(month)),
        rows<q.TargetRow>(q.storeTargets(month)),
        ranking(month),
      ]);
      let revenue = 0n;
      let items = 0n;
      let baskets = 0n;
      for (const s of sales) {
        revenue += BigInt(s.revenue_cents);
        items += BigInt(s.items);
        baskets += BigInt(s.baskets);
      }
      const target = targets.length ? targets.reduce((a, t) => a + BigInt(t.target_cents), 0n) : undefined;
      return {
        month,
        revenue: formatCents(revenue),
        target: target === undefined ? null : formatCents(target),
        attainment: attainment(revenue, target),
        baskets: Number(baskets),
        avgTicket: perBasketMoney(revenue, baskets),
        itemsPerBasket: perBasket(items, baskets),
        stores: list.length,
      };
    },

    async complements({ productId, limit }): Promise<Complement[]> {
      checkId("productId", productId);
      checkCount("limit", limit, 100);
      const list = await rows<q.ComplementRow>(q.complements(productId, limit));
      const n = await names(list.map((r) => r.other));
      return list.map((r) => ({
        codProd: r.other,
        name: nonEmpty(n.get(r.other)?.name),
        timesBoughtTogether: Number(r.together),
      }));
    },

    async topMargin({ limit, date }): Promise<MarginProduct[]> {
      checkCount("limit", limit, 1000);
      checkDate(date);
      const [prices, costs, active] = await Promise.all([
        rows<q.ValueAtRow>(q.pricesAt(date)),
        rows<q.ValueAtRow>(q.costsAt(date)),
        rows<{ cod_prod: string }>(q.activeAt(date)),
      ]);
      const cost = byId(costs, (r) => r.cod_prod);
      const isActive = new Set(active.map((r) => r.cod_prod));
      const ranked = prices
        .filter((p) => isActive.has(p.cod_prod) && cost.has(p.cod_prod) && BigInt(p.value) > 0n)
        .map((p) => {
          const price = BigInt(p.value);
          const c = BigInt(cost.get(p.cod_prod)!.value);
          return { id: p.cod_prod, price, cost: c };
        })
        // Exact order of (p − c) / p: compare cross products, ties by lower cod_prod.
        .sort(
          (a, b) =>
            cmpBig((b.price - b.cost) * a.price, (a.price - a.cost) * b.price) || compareIds(a.id, b.id),
        )
        .slice(0, limit);
      const n = await names(ranked.map((r) => r.id));
      return ranked.map((r) => ({
        codProd: r.id,
        name: nonEmpty(n.get(r.id)?.name),
        category: nonEmpty(n.get(r.id)?.category),
        listPrice: formatCents(r.price),
        cost: formatCents(r.cost),
        margin: ratio(r.price - r.cost, r.price, 4),
      }));
    },

    async promotions({ date }): Promise<Promotion[]> {
      checkDate(date);
      const found = (await rows<q.PriceStepRow>(q.priceSteps(date)))
        // ≥ 10 % below the previous period: price ≤ 0.9 × previous, exactly.
        .filter(
          (r) =>
            BigInt(r.previous_cents) > 0n && BigInt(r.price_cents) * 10n <= BigInt(r.previous_cents) * 9n,
        )
        .sort(
          (a, b) =>
            (a.start < b.start ? 1 : a.start > b.start ? -1 : 0) || compareIds(a.cod_prod, b.cod_prod),
        );
      const n = await names(found.map((r) => r.cod_prod));
      return found.map((row) => {
        const price = BigInt(row.price_cents);
        const before = BigInt(row.previous_cents);
        return {
          codProd: row.cod_prod,
          name: nonEmpty(n.get(row.cod_prod)?.name),
          price: formatCents(price),
          previousPrice: formatCents(before),
          discount: ratio(before - price, before, 4),
          start: row.start,
          end: row.end,
        };
      });
    },

    async staffing({ storeId, weeks, basketsPerSellerHour, until }): Promise<StaffingSlot[]> {
      checkId("storeId", storeId);
      checkCount("weeks", weeks, 104);
      checkDate(until);
      const perSeller = toMillionths(basketsPerSellerHour);
      if (perSeller === undefined || perSeller <= 0n) bad("basketsPerSellerHour must be a positive number");
      const from = addDays(until, -7 * weeks + 1);
      const slots = await rows<q.SlotRow>(
        q.storeSlots(storeId, from, until, [monthOf(from), monthOf(until)]),
      );
      const w = BigInt(weeks);
      return slots
        .map((s) => {
          const total = BigInt(s.baskets);
          return {
            weekday: Number(s.weekday),
            hour: Number(s.hour),
            expectedBaskets: ratio(total, w, 2),
            // ceil(expected / per-seller), exactly; ≥ 1 whenever a basket was seen.
            recommendedSellers: Number(ceilDiv(total * RATE_SCALE, w * perSeller!)),
          };
        })
        .filter((s) => s.recommendedSellers > 0);
    },

    async stockAlerts({ storeId, leadDays, date }): Promise<StockAlert[]> {
      if (storeId !== undefined) checkId("storeId", storeId);
      checkDate(date);
      const lead = toMillionths(leadDays);
      if (lead === undefined) bad("leadDays must be a non-negative number");
      const salesFrom = addDays(date, -(STOCK_SALES_DAYS - 1));
      const [stock, sold] = await Promise.all([
        rows<q.StockRow>(q.latestStock(addDays(date, -(STOCK_LOOKBACK_DAYS - 1)), date, salesFrom, storeId)),
        rows<q.UnitsRow>(q.unitsSold(salesFrom, date, [monthOf(salesFrom), monthOf(date)], storeId)),
      ]);
      const units = byId(sold, (r) => `${r.store_id}|${r.product_id}`);
      const days = BigInt(STOCK_SALES_DAYS);
      const alerts = stock
        .map((s) => ({
          s,
          onHand: BigInt(s.on_hand),
          sold: big(units.get(`${s.cod_loja}|${s.cod_prod}`)?.units),
        }))
        // cover = onHand / (sold / days) < lead  ⇔  onHand × days × 10⁶ < lead × sold (sold > 0)
        .filter((a) => a.sold > 0n && a.onHand * days * RATE_SCALE < lead! * a.sold)
        .sort(
          (a, b) =>
            cmpBig(a.onHand * b.sold, b.onHand * a.sold) ||
            compareIds(a.s.cod_loja, b.s.cod_loja) ||
            compareIds(a.s.cod_prod, b.s.cod_prod),
        );
      const n = await names([...new Set(alerts.map((a) => a.s.cod_prod))]);
      return alerts.map((a) => ({
        storeId: a.s.cod_loja,
        codProd: a.s.cod_prod,
        name: nonEmpty(n.get(a.s.cod_prod)?.name),
        onHand: Number(a.onHand),
        avgDailyUnits: ratio(a.sold, days, 2),
        daysOfCover: ratio(a.onHand * days, a.sold, 1),
      }));
    },

    async employee(id): Promise<Employee | undefined> {
      checkId("id", id);
      const [e] = await rows<q.EmployeeRow>(q.employees(sql`id_employee = ${id}`));
      if (!e) return undefined;
      return {
        id: e.id_employee,
        name: [e.name, e.surname].filter((x) => x).join(" "),
        role: e.role,
        status: e.status,
        storeId: e.store_id,
      };
    },

    async processingDeadLetters(): Promise<ProcessingDeadLetters> {
      const list = await rows<q.RejectionRow>(q.rejections());
      const byReason: Record<string, number> = {};
      let total = 0;
      for (const r of list) {
        byReason[r.rejection] = Number(r.lines);
        total += Number(r.lines);
      }
      return { total, byReason };
    },
  };
}

const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
const nonEmpty = (s: string | undefined): string | null => (s ? s : null);

/** One seller's month from its gold sums, employee row and target (DESIGN §6). */
export function sellerSummaryOf(
  plan: CommissionPlan,
  sellerId: string,
  month: string,
  fig: q.SellerMonthFigures | undefined,
  emp: q.EmployeeRow | undefined,
  tgt: q.TargetRow | undefined,
  soldIn?: string,
): SellerSummary {
  const revenue = big(fig?.revenue_cents);
  const target = tgt ? BigInt(tgt.target_cents) : undefined;
  const role = emp?.role;
  const multiplier = multiplierFor(plan, revenue, target);
  const paid = role === undefined || !plan.noCommissionRoles.includes(role);
  const next = paid ? nextTier(plan, revenue, target) : undefined;
  return {
    sellerId,
    storeId: emp?.store_id ?? soldIn ?? null,
    month,
    revenue: formatCents(revenue),
    target: target === undefined ? null : formatCents(target),
    attainment: attainment(revenue, target),
    multiplier: millionths4(multiplier),
    commission: formatCents(monthCommissionCents(plan, big(fig?.commission_micro), multiplier, role)),
    lines: Number(big(fig?.lines)),
    baskets: Number(big(fig?.baskets)),
    name: emp ? [emp.name, emp.surname].filter((x) => x).join(" ") : null,
    role: role ?? null,
    nextTier:
      next && target !== undefined
        ? {
            attainment: millionths4(next.minAttainment),
            multiplier: millionths4(next.multiplier),
            // The least revenue with revenue × 10⁶ ≥ floor × target, minus what is sold.
            revenueNeeded: formatCents(ceilDiv(next.minAttainment * target, RATE_SCALE) - revenue),
          }
        : null,
  };
}
