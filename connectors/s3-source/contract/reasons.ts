/**
 * Machine-readable reasons a partner-file row is rejected (DESIGN §5). Every rejected row lands in
 * `dlq.ingest` with one of these and a human `detail`. Listed with their meaning in
 * `docs/ingest-reasons.md` (a unit test keeps the two in sync).
 */
export const REJECT_REASONS = [
  "column_count",
  "bad_quoting",
  "bad_header",
  "missing_field",
  "not_numeric",
  "quantity_out_of_range",
  "price_out_of_range",
  "bad_date",
  "date_out_of_range",
  "bad_month",
  "bad_period",
  "bad_value",
  "bad_cpf",
  "unknown_file",
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** A rejection: the reason code and a short English explanation naming the field. */
export interface Rejection {
  readonly reason: RejectReason;
  readonly detail: string;
}

/** Thrown inside validators to reject the row; caught by `validateRow`. */
export class RowRejected extends Error {
  constructor(
    readonly reason: RejectReason,
    detail: string,
  ) {
    super(detail);
  }
}

/** Rejects the current row. */
export const reject = (reason: RejectReason, detail: string): never => {
  throw new RowRejected(reason, detail);
};
