/**
 * The business calendar of requests: "this month" and "today" are local to `TZ_BUSINESS`
 * (DESIGN §6), whatever the server's own time zone.
 *
 * @example
 *   currentMonth("America/Sao_Paulo"); // "2026-12"
 */
import { DateTime } from "luxon";

/** The current business month `YYYY-MM`. */
export const currentMonth = (tz: string, now: Date = new Date()): string =>
  DateTime.fromJSDate(now, { zone: tz }).toFormat("yyyy-MM");

/** Today's business date `YYYY-MM-DD`. */
export const today = (tz: string, now: Date = new Date()): string =>
  DateTime.fromJSDate(now, { zone: tz }).toFormat("yyyy-MM-dd");
