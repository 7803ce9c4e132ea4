/** Calendar months `YYYY-MM` between two months, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number) as [number, number];
  const end = to;
  for (;;) {
    const month = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`;
    if (month > end) break;
    out.push(month);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
