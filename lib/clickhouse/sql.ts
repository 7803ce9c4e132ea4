/**
 * The one audited place where values become SQL text. ClickHouse 18.16 has no server-side query
 * parameters, so every value is quoted here and every identifier validated here; no other module
 * concatenates SQL from input.
 *
 * @example
 *   const q = sql`SELECT revenue FROM ${ident("seller_month")} WHERE seller_id = ${sellerId}`;
 *   await ch.query({ query: q.text });
 */
import { VT_ERR_CH_UNSAFE_IDENTIFIER } from "../errors/codes.ts";
import { VitrineError } from "../errors/vitrine-error.ts";

/** A piece of SQL that is inserted verbatim (produced only by this module's helpers). */
export class SqlFragment {
  /** @internal use `sql`, `ident` or `raw` */
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A value that can be quoted as a ClickHouse literal. */
export type SqlValue = string | number | bigint | boolean | null | Date | readonly SqlValue[];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * A validated identifier (table, column, database), optionally qualified `db.table`.
 *
 * @param name a plain identifier; anything else throws `VT_ERR_CH_UNSAFE_IDENTIFIER`
 */
export function ident(name: string): SqlFragment {
  const parts = name.split(".");
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) {
    throw new VitrineError(VT_ERR_CH_UNSAFE_IDENTIFIER, `not a safe SQL identifier: ${JSON.stringify(name)}`);
  }
  return new SqlFragment(parts.map((p) => `\`${p}\``).join("."));
}

/**
 * Trusted SQL text written in our own source (never pass input here).
 *
 * @param text a constant SQL snippet
 */
export const raw = (text: string): SqlFragment => new SqlFragment(text);

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/**
 * Quotes a value as a ClickHouse literal.
 *
 * Strings escape backslash and single quote (ClickHouse string literal rules); numbers must be
 * finite; dates become `'YYYY-MM-DD HH:MM:SS'` in UTC.
 *
 * @param value the value to quote
 */
export function literal(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new VitrineError(VT_ERR_CH_UNSAFE_IDENTIFIER, `not a finite number: ${String(value)}`);
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "1" : "0";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new VitrineError(VT_ERR_CH_UNSAFE_IDENTIFIER, "invalid date");
    const d = value;
    return `'${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
      d.getUTCMinutes(),
    )}:${pad(d.getUTCSeconds())}'`;
  }
  return `[${value.map(literal).join(", ")}]`;
}

/**
 * Tagged template: fragments are inserted verbatim, every other interpolation is quoted.
 *
 * @example sql`SELECT 1 FROM ${ident(t)} WHERE name = ${userInput}`
 */
export function sql(strings: TemplateStringsArray, ...values: (SqlValue | SqlFragment)[]): SqlFragment {
  let text = strings[0] ?? "";
  values.forEach((v, i) => {
    text += (v instanceof SqlFragment ? v.text : literal(v)) + (strings[i + 1] ?? "");
  });
  return new SqlFragment(text);
}
