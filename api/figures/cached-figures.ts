/**
 * A short-lived cache in front of the figures module: identical questions within `ttlMs` share
 * one ClickHouse round trip (and concurrent identical questions share the one in flight). Gold
 * figures change with every sale, so the TTL is short (default 1 s: a REST answer is at most that
 * stale; the WebSocket pushes every sale as it happens). A failed query is never cached.
 *
 * @example
 *   const figures = cachedFigures(createFigures({ ch, plan }), { ttlMs: 1000 });
 */
import type { Figures } from "../../sql/figures/contract.ts";

export interface CacheOptions {
  /** Time to live of an answer; 0 disables the cache. */
  readonly ttlMs: number;
  /** Entries before expired ones are swept (default 10 000). */
  readonly maxEntries?: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

interface Entry {
  readonly expires: number;
  readonly value: Promise<unknown>;
}

/** Wraps every method of `Figures` with the cache. */
export function cachedFigures(inner: Figures, opts: CacheOptions): Figures {
  if (opts.ttlMs <= 0) return inner;
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();

  const sweep = () => {
    const t = now();
    for (const [k, e] of entries) if (e.expires <= t) entries.delete(k);
    // Still full of live entries: start over rather than grow without bound.
    if (entries.size >= max) entries.clear();
  };

  const wrap = <K extends keyof Figures>(name: K): Figures[K] => {
    const fn = inner[name] as (...args: unknown[]) => Promise<unknown>;
    const call = (...args: unknown[]): Promise<unknown> => {
      const key = `${name}:${JSON.stringify(args)}`;
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return hit.value;
      if (entries.size >= max) sweep();
      const value = fn.apply(inner, args);
      entries.set(key, { expires: now() + opts.ttlMs, value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    };
    return call as Figures[K];
  };

  return {
    sellerSummary: wrap("sellerSummary"),
    storeSellers: wrap("storeSellers"),
    storeSummary: wrap("storeSummary"),
    storeRanking: wrap("storeRanking"),
    networkSummary: wrap("networkSummary"),
    complements: wrap("complements"),
    topMargin: wrap("topMargin"),
    promotions: wrap("promotions"),
    staffing: wrap("staffing"),
    stockAlerts: wrap("stockAlerts"),
    employee: wrap("employee"),
    processingDeadLetters: wrap("processingDeadLetters"),
  };
}
