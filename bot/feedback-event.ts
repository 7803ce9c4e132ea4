/**
 * The bot's view of a `sales.feedback` event (schemas/sales-feedback.avsc, decoded by the
 * registry's Avro reader: field names as in the schema, money as exact decimal text).
 */
export type { FeedbackComplement, SaleFeedback } from "../schemas/sales-records.ts";
