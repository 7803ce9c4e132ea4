/** The `sales_lines` silver row of an enriched sale (sql/migrations/0002). */
import type { SilverRow } from "../../connectors/clickhouse-sink/sink.ts";
import { centsOf } from "../domain/money.ts";
import type { EnrichedSale } from "../enrich/enrich-sale.ts";

const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

/** Money stays exact: cents and micro-cents are integers far below 2^53. */
export const toSilverRow = (e: EnrichedSale): SilverRow => ({
  line_id: e.lineId,
  basket_id: e.basketId,
  seller_id: e.sellerId,
  seller_role: e.sellerRole,
  store_id: e.storeId,
  transaction_id: e.transactionId,
  product_id: e.productId,
  quantidade: e.quantidade,
  preco_cents: Number(centsOf(e.preco)),
  revenue_cents: Number(e.revenueCents),
  high_margin: e.highMargin ? 1 : 0,
  commission_rate_micro: Number(e.commissionRateMicro),
  commission_micro: Number(e.commissionMicro),
  plan_version: e.planVersion,
  sale_time: utc(e.instantMs),
  local_date: e.localDate,
  month: e.month,
  weekday: e.weekday,
  hour: e.hour,
  source_file: e.sourceFile,
  source_line: e.sourceLine,
});
