/**
 * Fan-out of sale events to WebSocket subscribers: each event is serialized once and handed to
 * every connection subscribed to its seller, its store or the network (a connection subscribed
 * to several of these gets it once). Repeated events (same line id, e.g. an at-least-once
 * redelivery) are pushed once.
 *
 * @example
 *   hub.subscribe(conn, "seller:123");
 *   hub.publish(event); // → conn receives { type: "sale", … }
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { LiveConnection } from "./live-connection.ts";
import { saleMessage, type SaleFeedbackEvent } from "./sale-message.ts";

export type SubscriptionKey = `seller:${string}` | `store:${string}` | "network";

export const subscriptionKey = (scope: "seller" | "store" | "network", id?: string): SubscriptionKey =>
  scope === "network" ? "network" : `${scope}:${id ?? ""}`;

export interface HubMetrics {
  readonly clients: Gauge;
  readonly pushed: Counter;
  readonly dropped: Counter;
  readonly events: Counter;
}

/** Registers the socket metrics (connected clients, messages pushed, dropped, events received). */
export function hubMetrics(registry: Registry): HubMetrics {
  return {
    clients: new Gauge({
      name: "vitrine_ws_clients",
      help: "Connected WebSocket clients",
      registers: [registry],
    }),
    pushed: new Counter({
      name: "vitrine_ws_messages_pushed_total",
      help: "Sale messages handed to WebSocket clients",
      registers: [registry],
    }),
    dropped: new Counter({
      name: "vitrine_ws_messages_dropped_total",
      help: "Sale messages dropped because a client's queue was full",
      registers: [registry],
    }),
    events: new Counter({
      name: "vitrine_ws_feedback_events_total",
      help: "sales.feedback events received by this API instance",
      registers: [registry],
    }),
  };
}

export class LiveHub {
  private readonly subscribers = new Map<SubscriptionKey, Set<LiveConnection>>();
  private readonly connections = new Set<LiveConnection>();
  private readonly recent = new Set<string>();
  private readonly recentOrder: string[] = [];

  constructor(
    readonly metrics: HubMetrics,
    private readonly dedupeWindow = 10_000,
  ) {}

  /** Counters a connection reports into. */
  readonly counters = {
    pushed: (n: number) => this.metrics.pushed.inc(n),
    dropped: (n: number) => this.metrics.dropped.inc(n),
  };

  get size(): number {
    return this.connections.size;
  }

  add(conn: LiveConnection): void {
    this.connections.add(conn);
    this.metrics.clients.set(this.connections.size);
  }

  remove(conn: LiveConnection): void {
    for (const key of conn.subscriptions) this.subscribers.get(key as SubscriptionKey)?.delete(conn);
    conn.subscriptions.clear();
    this.connections.delete(conn);
    this.metrics.clients.set(this.connections.size);
  }

  subscribe(conn: LiveConnection, key: SubscriptionKey): void {
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    set.add(conn);
    conn.subscriptions.add(key);
  }

  unsubscribe(conn: LiveConnection, key: SubscriptionKey): void {
    const set = this.subscribers.get(key);
    set?.delete(conn);
    if (set?.size === 0) this.subscribers.delete(key);
    conn.subscriptions.delete(key);
  }

  /** Every connection (heartbeats, shutdown). */
  all(): IterableIterator<LiveConnection> {
    return this.connections.values();
  }

  /**
   * Pushes one event to its subscribers.
   *
   * @returns how many connections it was handed to
   */
  publish(event: SaleFeedbackEvent): number {
    this.metrics.events.inc();
    if (this.seen(event.line_id)) return 0;
    const targets = new Set<LiveConnection>();
    for (const key of [`seller:${event.seller_id}`, `store:${event.store_id}`, "network"] as const) {
      const set = this.subscribers.get(key);
      if (set) for (const c of set) targets.add(c);
    }
    if (targets.size === 0) return 0;
    const text = JSON.stringify(saleMessage(event));
    for (const c of targets) c.push(text);
    return targets.size;
  }

  private seen(lineId: string): boolean {
    if (this.recent.has(lineId)) return true;
    this.recent.add(lineId);
    this.recentOrder.push(lineId);
    if (this.recentOrder.length > this.dedupeWindow) this.recent.delete(this.recentOrder.shift() as string);
    return false;
  }
}
