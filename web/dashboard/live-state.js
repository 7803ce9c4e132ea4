// How a live `sale` message changes what the dashboard shows — pure functions over plain data
// (unit-tested), so the DOM code only renders. Money stays decimal text; comparisons and sums go
// through integer cents (BigInt), never floats.

/** Integer cents of money text ("1234.56" → 123456n); 0n for anything else. */
export function centsOf(text) {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(String(text ?? "").trim());
  if (!m) return 0n;
  const c = BigInt(m[2]) * 100n + BigInt((m[3] ?? "").padEnd(2, "0"));
  return m[1] ? -c : c;
}

/** Money text of integer cents (123456n → "1234.56"). */
export function moneyOfCents(cents) {
  const neg = cents < 0n;
  const a = neg ? -cents : cents;
  return `${neg ? "-" : ""}${a / 100n}.${String(a % 100n).padStart(2, "0")}`;
}

/** Orders seller rows by month revenue, highest first; ties by seller id. */
export function byRevenueDesc(a, b) {
  const d = centsOf(b.revenue) - centsOf(a.revenue);
  if (d !== 0n) return d > 0n ? 1 : -1;
  return String(a.sellerId).localeCompare(String(b.sellerId), "pt-BR", { numeric: true });
}

/** A seller row (SellerSummary shape) with the figures a sale message carries. */
export function sellerRowFromSale(sale, previous) {
  return {
    ...(previous ?? { name: null, role: null }),
    sellerId: sale.sellerId,
    storeId: sale.storeId,
    month: sale.month,
    revenue: sale.monthRevenue,
    target: sale.monthTarget ?? null,
    attainment: sale.attainment ?? null,
    multiplier: sale.multiplier,
    commission: sale.monthCommission,
    lines: Number(sale.lines),
    baskets: Number(sale.baskets),
    nextTier:
      sale.nextTierAttainment && sale.nextTierMultiplier
        ? {
            attainment: sale.nextTierAttainment,
            multiplier: sale.nextTierMultiplier,
            revenueNeeded: sale.revenueToNextTier ?? "0.00",
          }
        : null,
  };
}

/**
 * The team after a sale: the seller's row replaced (or added) and the list re-ranked.
 * A sale of another store or month leaves the rows as they are (same array).
 */
export function applySaleToTeam(rows, sale, storeId, month) {
  if (sale.storeId !== storeId || sale.month !== month) return rows;
  const i = rows.findIndex((r) => r.sellerId === sale.sellerId);
  const next = rows.slice();
  const row = sellerRowFromSale(sale, i >= 0 ? rows[i] : undefined);
  if (i >= 0) next[i] = row;
  else next.push(row);
  return next.sort(byRevenueDesc);
}

/**
 * Cross-sell pairs seen so far, keyed by the unordered pair, with the latest count (the count in
 * a message is the running total of baskets holding both). Returns a new Map.
 */
export function addPairs(pairs, productId, productName, complements) {
  const next = new Map(pairs);
  for (const c of complements ?? []) {
    const other = c.productId ?? c.codProd;
    if (!other || other === productId) continue;
    const [a, b] = [String(productId), String(other)].sort((x, y) =>
      x.localeCompare(y, "en", { numeric: true }),
    );
    const key = `${a}|${b}`;
    const times = Number(c.timesBoughtTogether ?? 0);
    const names = {
      [String(productId)]: productName || null,
      [String(other)]: c.productName ?? c.name ?? null,
    };
    const prev = next.get(key);
    next.set(key, {
      a,
      b,
      aName: names[a] ?? prev?.aName ?? null,
      bName: names[b] ?? prev?.bName ?? null,
      times: Math.max(times, prev?.times ?? 0),
    });
  }
  return next;
}

/** The `n` pairs bought together most often (ties: lower product codes first). */
export function topPairs(pairs, n) {
  return [...pairs.values()]
    .sort(
      (x, y) =>
        y.times - x.times ||
        x.a.localeCompare(y.a, "en", { numeric: true }) ||
        x.b.localeCompare(y.b, "en", { numeric: true }),
    )
    .slice(0, n);
}

/**
 * Live revenue per minute over the last `minutes` minutes ending at `nowMs`, in cents: adds a sale
 * to its minute and drops minutes that fell out of the window. Returns a new Map minute → cents.
 */
export function addToMinutes(minutesMap, sale, nowMs, minutes = 30) {
  const next = new Map(minutesMap);
  const at = Date.parse(sale.saleTime);
  const minute = Math.floor((Number.isNaN(at) ? nowMs : at) / 60_000);
  const oldest = Math.floor(nowMs / 60_000) - minutes + 1;
  if (minute >= oldest) next.set(minute, (next.get(minute) ?? 0n) + centsOf(sale.revenue));
  for (const k of next.keys()) if (k < oldest) next.delete(k);
  return next;
}

/** The window's minutes in order with their cents (0n where nothing sold). */
export function minuteSeries(minutesMap, nowMs, minutes = 30) {
  const last = Math.floor(nowMs / 60_000);
  const out = [];
  for (let m = last - minutes + 1; m <= last; m++) out.push({ minute: m, cents: minutesMap.get(m) ?? 0n });
  return out;
}
