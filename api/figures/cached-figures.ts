/**
 * A short-lived cache in front of the figures module, so a dashboard full of sellers costs
 * ClickHouse one query per figure per second, not one per request:
 *
 * - an answer is fresh for `ttlMs` (default in the API: 1 s); identical questions share it, and
 *   concurrent identical questions share the one query in flight;
 * - after that it is served stale for up to `staleMs` more while ONE background query refreshes
 *   it (stale-while-revalidate), so requests never queue behind a slow ClickHouse round trip;
 *   an answer older than `ttlMs + staleMs` is never served;
 * - a failed query is never cached (a failed refresh keeps the stale answer until it is too old).
 *
 * Gold figures change with every sale, so both windows are short; the WebSocket pushes every
 * sale as it happens.
 *
 * @example
 *   const figures = cachedFigures(createFigures({ ch, plan }), { ttlMs: 1000, staleMs: 4000 });
 */
import type { Figures } from "../../sql/figures/contract.ts";

export interface CacheOptions {
  /** Time an answer is fresh; 0 disables the cache. */
  readonly ttlMs: number;
  /** Extra time a stale answer may be served while it is refreshed (default 0: no stale answers). */
  readonly staleMs?: number;
  /** Entries before expired ones are swept (default 10 000). */
  readonly maxEntries?: number;
  /** Clock (tests). */
  readonly now?: () => number;
}

interface Entry {
  /** Fresh until. */
  fresh: number;
  /** Servable (stale) until. */
  usable: number;
  value: Promise<unknown>;
  refreshing: boolean;
}

/** Wraps every method of `Figures` with the cache. */
export function cachedFigures(inner: Figures, opts: CacheOptions): Figures {
  if (opts.ttlMs <= 0) return inner;
  const now = opts.now ?? Date.now;
  const max = opts.maxEntries ?? 10_000;
  const stale = opts.staleMs ?? 0;
  const entries = new Map<string, Entry>();

  const sweep = () => {
    const t = now();
    for (const [k, e] of entries) if (e.usable <= t && !e.refreshing) entries.delete(k);
    // Still full of live entries: start over rather than grow without bound.
    if (entries.size >= max) entries.clear();
  };

  const wrap = <K extends keyof Figures>(name: K): Figures[K] => {
    const fn = inner[name] as (...args: unknown[]) => Promise<unknown>;
    const load = (key: string, args: unknown[]): Entry => {
      const value = fn.apply(inner, args);
      const t = now();
      const entry: Entry = {
        fresh: t + opts.ttlMs,
        usable: t + opts.ttlMs + stale,
        value,
        refreshing: false,
      };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      return entry;
    };
    const refresh = (key: string, args: unknown[], entry: Entry) => {
      entry.refreshing = true;
      fn.apply(inner, args).then(
        (v) => {
          const t = now();
          entries.set(key, {
            fresh: t + opts.ttlMs,
            usable: t + opts.ttlMs + stale,
            value: Promise.resolve(v),
            refreshing: false,
          });
        },
        () => {
          entry.refreshing = false; // keep serving the stale answer until it is too old
        },
      );
    };
    const call = (...args: unknown[]): Promise<unknown> => {
      const key = `${name}:${JSON.stringify(args)}`;
      const t = now();
      const hit = entries.get(key);
      if (hit && hit.fresh > t) return hit.value;
      if (hit && hit.usable > t) {
        if (!hit.refreshing) refresh(key, args, hit);
        return hit.value;
      }
      if (entries.size >= max) sweep();
      return load(key, args).value;
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
