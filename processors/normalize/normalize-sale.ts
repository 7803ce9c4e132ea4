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

/**
 * Normalizes one validated raw line.
 *
 * @param raw a record of `raw.transactions` (already validated by the connector)
 * @param zone business time zone
 */
export function normalizeSale(raw: RawTransaction, zone: string): NormalizedSale {
  const naive = NAIVE.exec(raw.data);
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
    : DateTime.fromISO(raw.data, { setZone: true }).setZone(zone);
  if (!dt.isValid)
    throw new Error(
      `unparsable sale time ${JSON.stringify(raw.data)} (the connector should have rejected it)`,
    );
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
    instantMs: dt.toMillis(),
    localDate: dt.toISODate() ?? "",
    month: dt.toFormat("yyyy-MM"),
    weekday: dt.weekday,
    hour: dt.hour,
    sourceFile: raw.source_file,
    sourceLine: raw.source_line,
  };
}

/** The operator form of `normalizeSale`. */
export const normalizeSales = (zone: string): OperatorFunction<RawTransaction, NormalizedSale> =>
  map((raw) => normalizeSale(raw, zone));
