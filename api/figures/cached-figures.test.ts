import { describe, expect, it } from "vitest";
import type { Figures } from "../../sql/figures/contract.ts";
import { cachedFigures } from "./cached-figures.ts";

/** Counts calls; every answer names its call number, so a cached answer is visible. */
function counting() {
  let calls = 0;
  const answer = async (q: unknown) => {
    calls++;
    if ((q as { fail?: boolean })?.fail) throw new Error("boom");
    return { call: calls, q };
  };
  const inner = new Proxy({}, { get: () => answer }) as unknown as Figures;
  return { inner, calls: () => calls };
}

describe("cached figures", () => {
  it("shares one answer within the TTL, per method and arguments, and refreshes after it", async () => {
    let now = 0;
    const c = counting();
    const f = cachedFigures(c.inner, { ttlMs: 1000, now: () => now });
    const a = await f.sellerSummary({ sellerId: "1", month: "2024-05" });
    const b = await f.sellerSummary({ sellerId: "1", month: "2024-05" });
    expect(b).toBe(a);
    await f.sellerSummary({ sellerId: "2", month: "2024-05" });
    await f.storeSummary({ storeId: "1", month: "2024-05" });
    expect(c.calls()).toBe(3);
    now = 1000;
    expect(await f.sellerSummary({ sellerId: "1", month: "2024-05" })).not.toBe(a);
    expect(c.calls()).toBe(4);
  });

  it("shares a query in flight and never caches a failure", async () => {
    const c = counting();
    const f = cachedFigures(c.inner, { ttlMs: 60_000 });
    const [x, y] = await Promise.all([
      f.networkSummary({ month: "2024-05" }),
      f.networkSummary({ month: "2024-05" }),
    ]);
    expect(x).toBe(y);
    expect(c.calls()).toBe(1);
    const failing = { month: "2024-06", fail: true } as unknown as { month: string };
    await expect(f.networkSummary(failing)).rejects.toThrow("boom");
    await expect(f.networkSummary(failing)).rejects.toThrow("boom");
    expect(c.calls()).toBe(3);
  });

  it("is off with a TTL of 0 and stays bounded", async () => {
    const c = counting();
    expect(cachedFigures(c.inner, { ttlMs: 0 })).toBe(c.inner);
    const f = cachedFigures(c.inner, { ttlMs: 60_000, maxEntries: 10 });
    for (let i = 0; i < 100; i++) await f.employee(String(i));
    await f.employee("99");
    expect(c.calls()).toBe(100); // the latest entries survive the sweep
  });
});

describe("cached figures, stale while revalidating", () => {
  it("serves the stale answer while one refresh runs, then the new one; never beyond ttl + stale", async () => {
    let now = 0;
    const c = counting();
    const f = cachedFigures(c.inner, { ttlMs: 1000, staleMs: 2000, now: () => now });
    const q = { sellerId: "1", month: "2024-05" };
    const first = (await f.sellerSummary(q)) as unknown as { call: number };
    expect(first.call).toBe(1);
    now = 1500; // stale: served at once, one refresh starts
    const [a, b] = await Promise.all([f.sellerSummary(q), f.sellerSummary(q)]);
    expect(a).toBe(first);
    expect(b).toBe(first);
    expect(c.calls()).toBe(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(((await f.sellerSummary(q)) as unknown as { call: number }).call).toBe(2);
    now = 1500 + 3000; // beyond ttl + stale of the refreshed answer: waits for a new query
    expect(((await f.sellerSummary(q)) as unknown as { call: number }).call).toBe(3);
  });
});
