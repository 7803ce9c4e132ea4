/**
 * An INDEPENDENT computation of the DESIGN §5/§6 figures straight from the partner's CSV files,
 * for end-to-end tests: its own CSV splitting, validation classes, first-occurrence dedupe,
 * reference rules (later row wins, dated periods with the latest start winning), cost at the
 * local date, rate class, commission with one rounding, multiplier tiers, gerente 0, counts and
 * co-purchase pairs. It uses no pipeline code (only luxon for time zones) so that agreement
 * means something.
 *
 * @example
 *   const want = independentFigures([{ name: "incoming/2024.csv", text }], { zone, nowMs });
 */
import { DateTime } from "luxon";

export interface CsvFile {
  /** Key or name; arrival order is the array's order. */
  readonly name: string;
  readonly text: string;
}

export interface SellerMonth {
  revenueCents: bigint;
  commissionMicro: bigint;
  lines: number;
  baskets: Set<string>;
  targetCents: bigint | undefined;
  /** Multiplier in hundredths (100, 125, 150). */
  multiplier: number;
  /** Attainment in ten-thousandths, rounded half up ("1.0234" → 10234); undefined without target. */
  attainment4: bigint | undefined;
  commissionCents: bigint;
}

export interface StoreMonth {
  revenueCents: bigint;
  lines: number;
  items: bigint;
  baskets: Set<string>;
  targetCents: bigint | undefined;
}

export interface Independent {
  readonly sellerMonths: Map<string, SellerMonth>; // seller|month
  readonly storeMonths: Map<string, StoreMonth>; // store|month
  readonly pairs: Map<string, number>; // "a|b" (a < b as text)
  /** Transaction dead letters by reason (ingest reasons and `duplicate`). */
  readonly deadLetters: Map<string, number>;
  readonly acceptedLines: number;
  readonly acceptedLineIds: Set<string>;
}

const MONEY = /^\d+(\.\d{1,2})?$/;
const DIGITS = /^\d+$/;

const cents = (s: string): bigint => {
  const [i, f = ""] = s.split(".");
  return BigInt(i!) * 100n + BigInt((f + "00").slice(0, 2));
};

/** Splits one CSV line; `undefined` when its quoting is broken. */
function splitCsv(line: string, delim: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = "";
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i++];
      }
      out.push(v);
      if (i === line.length) return out;
      if (line[i] !== delim) return undefined;
      i++;
    } else {
      const j = line.indexOf(delim, i);
      const v = j < 0 ? line.slice(i) : line.slice(i, j);
      if (v.includes('"')) return undefined;
      out.push(v);
      if (j < 0) return out;
      i = j + 1;
    }
  }
}

const rows = (f: CsvFile, delim: string): (string[] | undefined)[] =>
  f.text
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => splitCsv(l.replace(/\r$/, ""), delim));

const base = (name: string): string => name.split("/").pop() ?? name;

/** Local date of a sale time, or a reason. */
function saleDate(data: string, zone: string, nowMs: number): { date: string } | { reason: string } {
  let dt: DateTime;
  const naive = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(data);
  if (naive) {
    const [y, mo, d, h = "0", mi = "0", s = "0"] = naive.slice(1);
    dt = DateTime.fromObject(
      { year: +y!, month: +mo!, day: +d!, hour: +h, minute: +mi, second: +s },
      { zone },
    );
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$/.test(data)) {
    dt = DateTime.fromISO(data, { setZone: true }).setZone(zone);
  } else return { reason: "bad_date" };
  if (!dt.isValid) return { reason: "bad_date" };
  // luxon normalizes nothing in fromObject: an invalid day/hour makes the DateTime invalid.
  if (dt.toMillis() > nowMs + 86_400_000) return { reason: "date_out_of_range" };
  const date = dt.toISODate()!;
  if (date < "2000-01-01") return { reason: "date_out_of_range" };
  return { date };
}

interface Period {
  start: string;
  end: string | null;
  value: string;
  seq: number;
}

const at = (periods: Period[] | undefined, date: string): string | undefined => {
  let best: Period | undefined;
  for (const p of periods ?? []) {
    if (p.start > date || (p.end !== null && p.end < date)) continue;
    if (!best || p.start > best.start || (p.start === best.start && p.seq > best.seq)) best = p;
  }
  return best?.value;
};

const monthOf = (mmYYYY: string): string | undefined => {
  const m = /^(\d{2})\/(\d{4})$/.exec(mmYYYY);
  if (!m || +m[1]! < 1 || +m[1]! > 12) return undefined;
  return `${m[2]}-${m[1]}`;
};

/** Sorts keys the way a replay loads them: reference files first, transactions last, then by key. */
export function loadOrder(names: readonly string[]): string[] {
  const isTx = (n: string) => /^(\d{4}|transactions.*)\.csv$/i.test(base(n));
  return [...names].sort((a, b) => Number(isTx(a)) - Number(isTx(b)) || (a < b ? -1 : a > b ? 1 : 0));
}

export function independentFigures(
  files: readonly CsvFile[],
  opts: { zone: string; nowMs: number },
): Independent {
  let seq = 0;
  const role = new Map<string, string>();
  const costs = new Map<string, Period[]>();
  const sellerTarget = new Map<string, bigint>();
  const storeTarget = new Map<string, bigint>();
  // Reference data first (a replay loads it before transactions; later rows win).
  for (const f of files) {
    const b = base(f.name);
    if (/^employee_final.*\.csv$/.test(b)) {
      for (const r of rows(f, ",")) {
        if (!r || r.length !== 9) continue;
        const [id, , , , status, rl] = r as [string, string, string, string, string, string];
        if (
          !DIGITS.test(id) ||
          !["ativo", "não ativo"].includes(status) ||
          !["vendedor", "gerente"].includes(rl)
        )
          continue;
        role.set(id, rl);
      }
    } else if (/^sku_cost.*\.csv$/.test(b)) {
      for (const r of rows(f, ",")) {
        if (!r || r.length !== 4) continue;
        const [prod, start, end, custo] = r as [string, string, string, string];
        if (!MONEY.test(custo) || cents(custo) <= 0n) continue;
        let l = costs.get(prod);
        if (!l) costs.set(prod, (l = []));
        l.push({ start, end: end === "" ? null : end, value: custo, seq: seq++ });
      }
    } else if (/^targets_salesperson_final.*\.csv$/.test(b)) {
      for (const r of rows(f, ",")) {
        if (!r || r.length !== 3) continue;
        const month = monthOf(r[2]!);
        if (!month || !MONEY.test(r[1]!)) continue;
        sellerTarget.set(`${r[0]}|${month}`, cents(r[1]!));
      }
    } else if (/^target_store_final.*\.csv$/.test(b)) {
      for (const r of rows(f, ",")) {
        if (!r || r.length !== 3) continue;
        const month = monthOf(r[0]!);
        if (!month || !MONEY.test(r[2]!)) continue;
        storeTarget.set(`${r[1]}|${month}`, cents(r[2]!));
      }
    }
  }

  const sellerMonths = new Map<string, SellerMonth>();
  const storeMonths = new Map<string, StoreMonth>();
  const baskets = new Map<string, Set<string>>(); // basket → products with quantidade > 0
  const seen = new Set<string>();
  const pairs = new Map<string, number>();
  const deadLetters = new Map<string, number>();
  const dead = (reason: string) => deadLetters.set(reason, (deadLetters.get(reason) ?? 0) + 1);
  let acceptedLines = 0;
  for (const f of files) {
    if (!/^(\d{4}|transactions.*)\.csv$/i.test(base(f.name))) continue;
    for (const r of rows(f, ",")) {
      if (!r) {
        dead("bad_quoting");
        continue;
      }
      if (r.length !== 7) {
        dead("column_count");
        continue;
      }
      const [data, seller, store, txn, qtyText, prod, preco] = r.map((x) => x.trim()) as [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      if (r.some((x) => x.trim() === "")) {
        dead("missing_field");
        continue;
      }
      if (
        ![seller, store, txn, prod].every((x) => DIGITS.test(x)) ||
        !/^-?\d+$/.test(qtyText) ||
        !/^-?\d+(\.\d{1,2})?$/.test(preco)
      ) {
        dead("not_numeric");
        continue;
      }
      const qty = Number(qtyText);
      if (qty === 0 || Math.abs(qty) > 1000) {
        dead("quantity_out_of_range");
        continue;
      }
      const price = preco.startsWith("-") ? -cents(preco.slice(1)) : cents(preco);
      if (price <= 0n || price > 10_000_000n) {
        dead("price_out_of_range");
        continue;
      }
      const when = saleDate(data, opts.zone, opts.nowMs);
      if ("reason" in when) {
        dead(when.reason);
        continue;
      }
      const basket = `${store}|${txn}`;
      const lineId = `${basket}|${prod}`;
      if (seen.has(lineId)) {
        dead("duplicate");
        continue;
      }
      seen.add(lineId);
      acceptedLines++;
      const month = when.date.slice(0, 7);
      const revenue = BigInt(qty) * price;
      const cost = at(costs.get(prod), when.date);
      const high = cost !== undefined && 2n * (price - cents(cost)) >= price;
      const micro = revenue * (high ? 50_000n : 30_000n);
      const sk = `${seller}|${month}`;
      let sm = sellerMonths.get(sk);
      if (!sm)
        sellerMonths.set(
          sk,
          (sm = {
            revenueCents: 0n,
            commissionMicro: 0n,
            lines: 0,
            baskets: new Set(),
            targetCents: undefined,
            multiplier: 100,
            attainment4: undefined,
            commissionCents: 0n,
          }),
        );
      sm.revenueCents += revenue;
      sm.commissionMicro += micro;
      sm.lines++;
      sm.baskets.add(basket);
      const tk = `${store}|${month}`;
      let st = storeMonths.get(tk);
      if (!st)
        storeMonths.set(
          tk,
          (st = {
            revenueCents: 0n,
            lines: 0,
            items: 0n,
            baskets: new Set(),
            targetCents: storeTarget.get(tk),
          }),
        );
      st.revenueCents += revenue;
      st.lines++;
      st.items += BigInt(qty);
      st.baskets.add(basket);
      if (qty > 0) {
        let set = baskets.get(basket);
        if (!set) baskets.set(basket, (set = new Set()));
        for (const other of set) {
          const k = other < prod ? `${other}|${prod}` : `${prod}|${other}`;
          pairs.set(k, (pairs.get(k) ?? 0) + 1);
        }
        set.add(prod);
      }
    }
  }
  for (const [k, sm] of sellerMonths) {
    const target = sellerTarget.get(k);
    sm.targetCents = target;
    if (target !== undefined && target > 0n) {
      sm.multiplier =
        sm.revenueCents * 100n >= target * 120n ? 150 : sm.revenueCents * 100n >= target * 100n ? 125 : 100;
      const n = sm.revenueCents * 10_000n;
      sm.attainment4 = (n + target / 2n) / target; // revenue ≥ 0 here in practice; half up
      if (n < 0n) sm.attainment4 = -((-n + target / 2n) / target);
    }
    const seller = k.split("|")[0]!;
    if (role.get(seller) === "gerente") sm.commissionCents = 0n;
    else {
      // multiplier (hundredths) × Σ micro-cents / (10⁶ × 100), rounded half away from zero, once.
      const num = sm.commissionMicro * BigInt(sm.multiplier);
      const den = 100_000_000n;
      const abs = num < 0n ? -num : num;
      const q = (abs + den / 2n) / den;
      sm.commissionCents = num < 0n ? -q : q;
    }
  }
  return { sellerMonths, storeMonths, pairs, deadLetters, acceptedLines, acceptedLineIds: seen };
}

/** "1234.56" of cents. */
export const money = (c: bigint): string => {
  const neg = c < 0n;
  const a = neg ? -c : c;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
};
