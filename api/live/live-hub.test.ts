import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { LiveConnection } from "./live-connection.ts";
import { LiveHub, hubMetrics, subscriptionKey } from "./live-hub.ts";
import type { SaleFeedbackEvent } from "./sale-message.ts";

/** The part of a ws socket the connection uses; `bufferedAmount` is set by the test. */
class FakeSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  readonly callbacks: (() => void)[] = [];
  send(data: string, cb?: () => void): void {
    this.sent.push(data);
    if (cb) this.callbacks.push(cb);
  }
  /** The kernel took everything: buffer empty, callbacks run. */
  drain(): void {
    this.bufferedAmount = 0;
    for (const cb of this.callbacks.splice(0)) cb();
  }
}

const event = (n: number, seller = "1", store = "7"): SaleFeedbackEvent => ({
  line_id: `${store}|T${n}|501`,
  basket_id: `${store}|T${n}`,
  seller_id: seller,
  store_id: store,
  product_id: "501",
  product_name: "Batom",
  quantidade: 1,
  revenue: "10.00",
  sale_time: "2024-05-10T17:00:00.000Z",
  month: "2024-05",
  high_margin: false,
  line_commission: "0.30",
  earned: "0.30",
  month_revenue: "10.00",
  month_target: null,
  attainment: null,
  multiplier: "1.00",
  month_commission: "0.30",
  next_tier_attainment: null,
  next_tier_multiplier: null,
  revenue_to_next_tier: null,
  lines: 1,
  baskets: 1,
  crossed_tier: false,
  complements: [],
  processed_at: 1,
});

const setup = (limits = { maxBufferedBytes: 100, maxQueue: 3 }) => {
  const registry = new Registry();
  const hub = new LiveHub(hubMetrics(registry));
  const mk = () => {
    const s = new FakeSocket();
    const c = new LiveConnection(s as unknown as WebSocket, hub.counters, limits);
    hub.add(c);
    return { s, c };
  };
  return { hub, registry, mk };
};
const sales = (s: FakeSocket) =>
  s.sent.map((t) => JSON.parse(t) as { type: string; lineId?: string; count?: number });

describe("live hub", () => {
  it("fans an event out to seller, store and network subscribers, once per connection", () => {
    const { hub, mk } = setup();
    const a = mk();
    const b = mk();
    const c = mk();
    const d = mk();
    hub.subscribe(a.c, subscriptionKey("seller", "1"));
    hub.subscribe(b.c, subscriptionKey("store", "7"));
    hub.subscribe(b.c, subscriptionKey("seller", "1"));
    hub.subscribe(c.c, subscriptionKey("network"));
    hub.subscribe(d.c, subscriptionKey("seller", "2"));
    expect(hub.publish(event(1))).toBe(3);
    expect(sales(a.s)).toEqual([expect.objectContaining({ type: "sale", lineId: "7|T1|501", lines: 1 })]);
    expect(b.s.sent).toHaveLength(1);
    expect(c.s.sent).toHaveLength(1);
    expect(d.s.sent).toHaveLength(0);
    // A redelivered event (same line id) is pushed once.
    expect(hub.publish(event(1))).toBe(0);
    hub.unsubscribe(a.c, subscriptionKey("seller", "1"));
    hub.remove(b.c);
    expect(hub.publish(event(2))).toBe(1);
    expect(hub.size).toBe(3);
  });

  it("a slow client queues, drops the oldest beyond its bound, and is told how many", async () => {
    const { hub, mk, registry } = setup();
    const slow = mk();
    const fast = mk();
    hub.subscribe(slow.c, "network");
    hub.subscribe(fast.c, "network");
    hub.publish(event(1)); // straight to both sockets
    slow.s.bufferedAmount = 1000; // the slow reader's socket is full
    for (let n = 2; n <= 7; n++) {
      hub.publish(event(n));
      fast.s.drain();
    }
    expect(fast.s.sent).toHaveLength(7); // never held back by the slow one
    expect(slow.s.sent).toHaveLength(1);
    expect(slow.c.queued).toBe(3);
    slow.s.drain();
    expect(sales(slow.s).map((m) => (m.type === "dropped" ? `dropped:${m.count}` : m.lineId))).toEqual([
      "7|T1|501",
      "dropped:3",
      "7|T5|501",
      "7|T6|501",
      "7|T7|501",
    ]);
    const text = await registry.metrics();
    expect(text).toMatch(/^vitrine_ws_messages_dropped_total 3$/m);
    expect(text).toMatch(/^vitrine_ws_messages_pushed_total 11$/m);
    expect(text).toMatch(/^vitrine_ws_clients 2$/m);
  });

  it("sends nothing to a closed socket", () => {
    const { hub, mk } = setup();
    const a = mk();
    hub.subscribe(a.c, "network");
    a.s.readyState = 3;
    hub.publish(event(1));
    expect(a.s.sent).toEqual([]);
  });
});
