/**
 * Normalizes a raw sale line (DESIGN §6): exact revenue in cents, the instant, and the local
 * date, month, weekday and hour in the business time zone (calendar months of the local date).
 *
 * @example
 *   rawSales$.pipe(normalizeSales("America/Sao_Paulo"))
 */
import { DateTime } from "luxon";
import { map, type OperatorFunction } from "rxjs";
import type { RawTransaction } from "../../schemas/raw-records.ts";
import { lineRevenueCents } from "../domain/money.ts";

export interface NormalizedSale {
  readonly lineId: string; // cod_loja|cod_transacao|cod_prod — a line's identity (DESIGN §5)
  readonly basketId: string; // cod_loja|cod_transacao
  readonly sellerId: string;
  readonly storeId: string;
  readonly transactionId: string;
  readonly productId: string;
  readonly quantidade: number;
  readonly preco: string;
  readonly revenueCents: bigint;
  readonly instantMs: number;
  readonly localDate: string; // YYYY-MM-DD
  readonly month: string; // YYYY-MM
  readonly weekday: number; // 1 = Monday … 7 = Sunday
  readonly hour: number; // 0–23 local
  readonly sourceFile: string;
  readonly sourceLine: number;
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** The local calendar and instant of a sale. */
interface SaleTime {
  readonly instantMs: number;
  readonly localDate: string;
  readonly month: string;
  readonly weekday: number;
  readonly hour: number;
}

/**
 * UTC offset (ms) of each local day `YYYY-MM-DD` of a zone when the whole day has one offset,
 * else of each local hour when that hour has one; `null` for an hour with a daylight-saving
 * change (those take luxon's slow path). Bounded: cleared past `CACHE_MAX` entries.
 */
const dayOffsets = new Map<string, number | null>();
const hourOffsets = new Map<string, number | null>();
const CACHE_MAX = 100_000;

function uniformOffset(
  zone: string,
  from: { year: number; month: number; day: number; hour: number },
  toHour: number,
): number | null {
  const start = DateTime.fromObject(from, { zone });
  const end = DateTime.fromObject({ ...from, hour: toHour, minute: 59, second: 59 }, { zone });
  return start.isValid &&
    end.isValid &&
    start.offset === end.offset &&
    start.hour === from.hour &&
    end.hour === toHour &&
    start.day === from.day &&
    end.day === from.day
    ? start.offset * 60_000
    : null;
}

function cached(map: Map<string, number | null>, key: string, compute: () => number | null): number | null {
  let v = map.get(key);
  if (v !== undefined) return v;
  v = compute();
  if (map.size >= CACHE_MAX) map.clear();
  map.set(key, v);
  return v;
}

function offsetOfLocalHour(zone: string, y: number, mo: number, d: number, h: number): number | null {
  const day = cached(dayOffsets, `${zone}|${y}-${mo}-${d}`, () =>
    uniformOffset(zone, { year: y, month: mo, day: d, hour: 0 }, 23),
  );
  if (day !== null) return day;
  return cached(hourOffsets, `${zone}|${y}-${mo}-${d} ${h}`, () =>
    uniformOffset(zone, { year: y, month: mo, day: d, hour: h }, h),
  );
}

/** Slow, general path: luxon for every case (offsets, DST hours). */
function luxonTime(data: string, naive: RegExpExecArray | null, zone: string): SaleTime {
  const dt = naive
    ? DateTime.fromObject(
        {
          year: Number(naive[1]),
          month: Number(naive[2]),
          day: Number(naive[3]),
          hour: Number(naive[4] ?? 0),
          minute: Number(naive[5] ?? 0),
          second: Number(naive[6] ?? 0),
        },
        { zone },
      )
    : DateTime.fromISO(data, { setZone: true }).setZone(zone);
  if (!dt.isValid)
    throw new Error(`unparsable sale time ${JSON.stringify(data)} (the connector should have rejected it)`);
  return {
    instantMs: dt.toMillis(),
    localDate: dt.toISODate() ?? "",
    month: dt.toFormat("yyyy-MM"),
    weekday: dt.weekday,
    hour: dt.hour,
  };
}

/**
 * The sale's time. A naive local time (the partner's usual format) in an hour without a
 * daylight-saving change is computed arithmetically from the hour's cached offset — the same
 * result as luxon, at a fraction of the cost; everything else goes through luxon.
 */
export function saleTime(data: string, zone: string): SaleTime {
  const naive = NAIVE.exec(data);
  if (naive) {
    const y = Number(naive[1]);
    const mo = Number(naive[2]);
    const d = Number(naive[3]);
    const h = Number(naive[4] ?? 0);
    const mi = Number(naive[5] ?? 0);
    const sec = Number(naive[6] ?? 0);
    const wall = Date.UTC(y, mo - 1, d, h, mi, sec);
    const check = new Date(wall);
    // A wall clock that does not exist as written (e.g. 02-30) is left to luxon's verdict.
    if (check.getUTCDate() === d && check.getUTCMonth() === mo - 1 && h < 24 && mi < 60 && sec < 60) {
      const off = offsetOfLocalHour(zone, y, mo, d, h);
      if (off !== null)
        return {
          instantMs: wall - off,
          localDate: `${naive[1]}-${naive[2]}-${naive[3]}`,
          month: `${naive[1]}-${naive[2]}`,
          weekday: check.getUTCDay() === 0 ? 7 : check.getUTCDay(),
          hour: h,
        };
    }
  }
  return luxonTime(data, naive, zone);
}

/**
 * Normalizes one validated raw line.
 *
 * @param raw a record of `raw.transactions` (already validated by the connector)
 * @param zone business time zone
 */
export function normalizeSale(raw: RawTransaction, zone: string): NormalizedSale {
  const t = saleTime(raw.data, zone);
  return {
    lineId: `${raw.cod_loja}|${raw.cod_transacao}|${raw.cod_prod}`,
    basketId: `${raw.cod_loja}|${raw.cod_transacao}`,
    sellerId: raw.cod_vendedor,
    storeId: raw.cod_loja,
    transactionId: raw.cod_transacao,
    productId: raw.cod_prod,
    quantidade: raw.quantidade,
    preco: raw.preco,
    revenueCents: lineRevenueCents(raw.quantidade, raw.preco),
    instantMs: t.instantMs,
    localDate: t.localDate,
    month: t.month,
    weekday: t.weekday,
    hour: t.hour,
    sourceFile: raw.source_file,
    sourceLine: raw.source_line,
  };
}

/** The operator form of `normalizeSale`. */
export const normalizeSales = (zone: string): OperatorFunction<RawTransaction, NormalizedSale> =>
  map((raw) => normalizeSale(raw, zone));
