// Formatting for the dashboard (pt-BR), exact: money arrives as decimal text ("1234.56") and is
// formatted from its digits, never through a float. Pure functions, no DOM (unit-tested).

const NBSP = "\u00a0";
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Groups an integer's digits by thousands with dots: "1234567" → "1.234.567". */
const groupThousands = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");

/**
 * Splits decimal text into sign, integer digits and exactly `places` fraction digits, rounding
 * half away from zero on the digits (no float). Returns undefined for anything that is not a
 * plain decimal number.
 */
export function splitDecimal(text, places) {
  const m = DECIMAL.exec(String(text ?? "").trim());
  if (!m) return undefined;
  const negative = m[1] === "-";
  const frac = (m[3] ?? "").padEnd(places + 1, "0");
  let scaled = BigInt(m[2] + frac.slice(0, places));
  if (Number(frac[places]) >= 5) scaled += 1n;
  const s = scaled.toString().padStart(places + 1, "0");
  const intPart = s.slice(0, s.length - places).replace(/^0+(?=\d)/, "");
  const fracPart = places > 0 ? s.slice(s.length - places) : "";
  return { negative: negative && scaled !== 0n, intPart, fracPart };
}

/**
 * Money text as Brazilian reais: "1234.56" → "R$ 1.234,56", "-12.3" → "-R$ 12,30".
 * The space after R$ is a no-break space (as `Intl.NumberFormat("pt-BR")` writes it).
 * Missing values (null/undefined) → "—".
 */
export function formatMoney(text) {
  if (text === null || text === undefined || text === "") return "—";
  const d = splitDecimal(text, 2);
  if (!d) return "—";
  return `${d.negative ? "-" : ""}R$${NBSP}${groupThousands(d.intPart)},${d.fracPart}`;
}

/**
 * A ratio as a percentage with one decimal: "1.0234" → "102,3%"; null → "sem meta".
 * The ratio text has four places; the percentage is its digits shifted by two, then rounded.
 */
export function formatPercent(ratio, places = 1) {
  if (ratio === null || ratio === undefined || ratio === "") return "sem meta";
  const d = splitDecimal(shiftPoint(ratio, 2), places);
  if (!d) return "—";
  const frac = places > 0 ? `,${d.fracPart}` : "";
  return `${d.negative ? "-" : ""}${groupThousands(d.intPart)}${frac}%`;
}

/** Moves the decimal point of decimal text `by` places to the right ("1.0234", 2 → "102.34"). */
export function shiftPoint(text, by) {
  const m = DECIMAL.exec(String(text).trim());
  if (!m) return String(text);
  const frac = (m[3] ?? "").padEnd(by, "0");
  const intPart = (m[2] + frac.slice(0, by)).replace(/^0+(?=\d)/, "");
  const rest = frac.slice(by);
  return `${m[1] ?? ""}${intPart}${rest ? `.${rest}` : ""}`;
}

/** A multiplier: "1.25" → "1,25×". */
export function formatMultiplier(text) {
  const d = splitDecimal(text, 2);
  if (!d) return "—";
  return `${d.intPart},${d.fracPart}×`;
}

/** An integer count with thousands dots: 12345 → "12.345". */
export function formatCount(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return "—";
  const v = Math.trunc(Number(n));
  return `${v < 0 ? "-" : ""}${groupThousands(String(Math.abs(v)))}`;
}

/** Plain decimal text with a comma: "2.35" → "2,35" (items per basket, days of cover). */
export function formatDecimal(text, places = 2) {
  const d = splitDecimal(text, places);
  if (!d) return "—";
  return `${d.negative ? "-" : ""}${groupThousands(d.intPart)}${places > 0 ? `,${d.fracPart}` : ""}`;
}

/**
 * A ratio as a width for a bar, in percent of `scale` (1.5 = 150 % fills the bar), clamped to
 * 0..100. Geometry only: a float is fine here, the figure shown comes from `formatPercent`.
 */
export function barWidth(ratio, scale = 1.5) {
  const r = Number(ratio);
  if (ratio === null || ratio === undefined || !Number.isFinite(r)) return 0;
  return Math.max(0, Math.min(100, (r / scale) * 100));
}

/** The multiplier tier name of a multiplier text, for CSS classes: "1.25" → "tier-125". */
export function tierClass(multiplier) {
  const d = splitDecimal(multiplier, 2);
  return d ? `tier-${d.intPart}${d.fracPart}` : "tier-unknown";
}

/** Local time of an ISO instant, "14:03:27" (the browser's time zone). */
export function formatTime(iso, timeZone) {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return "—";
  return new Intl.DateTimeFormat("pt-BR", {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    ...(timeZone ? { timeZone } : {}),
  }).format(t);
}

/** A month "2026-12" as "dezembro de 2026". */
export function formatMonth(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(month ?? ""));
  if (!m) return String(month ?? "");
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15));
  return new Intl.DateTimeFormat("pt-BR", { month: "long", year: "numeric", timeZone: "UTC" }).format(d);
}

/** The seller's name for display, falling back to the code: "Ana Souza" or "Vendedor 123". */
export function sellerLabel(name, sellerId) {
  return name && String(name).trim() ? String(name) : `Vendedor ${sellerId}`;
}
