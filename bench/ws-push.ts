/**
 * `npm run bench:ws -- [--clients 200] [--rate 1000] [--seconds 20]` — sale event produced to
 * `sales.feedback` → WebSocket message received, against the real API process: N clients (each a
 * seller token subscribed to its own seller; the events are spread over the N sellers), events
 * produced (Avro through the registry) at a steady rate. Latency = receive time − `processed_at`
 * stamped right before the produce, so it covers Kafka, the API's consumer, fan-out and the socket.
 * Target (DESIGN §11): p99 ≤ 100 ms at 1k lines/s with 200 connected clients.
 */
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";
import { signToken } from "../api/auth/tokens.ts";
import type { SaleFeedbackEvent } from "../api/live/sale-message.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { AvroSerde, readSchemaFile, valueSubject } from "../streams/serde/avro-serde.ts";
import { latencyLine, startBenchApi } from "./api-process.ts";
import { benchArgs } from "./args.ts";

const opts = benchArgs("npm run bench:ws -- [--clients 200] [--rate 1000] [--seconds 20]", {
  clients: { type: "number", default: 200, min: 1 },
  rate: { type: "number", default: 1000, min: 1 },
  seconds: { type: "number", default: 20, min: 1 },
});
const CLIENTS = opts.clients;
const RATE = opts.rate;
const SECONDS = opts.seconds;
const TICK_MS = 10;

const event = (seller: string, n: number): SaleFeedbackEvent => ({
  line_id: `101|B${n}|501`,
  basket_id: `101|B${n}`,
  seller_id: seller,
  store_id: "101",
  product_id: "501",
  product_name: "Batom Matte Açaí",
  quantidade: 1,
  revenue: "59.90",
  sale_time: new Date().toISOString(),
  month: "2026-12",
  high_margin: true,
  line_commission: "3.00",
  earned: "3.74",
  month_revenue: "4321.00",
  month_target: "5000.00",
  attainment: "0.8642",
  multiplier: "1.00",
  month_commission: "150.12",
  next_tier_attainment: "1.00",
  next_tier_multiplier: "1.25",
  revenue_to_next_tier: "679.00",
  lines: 120 + n,
  baskets: 80 + n,
  crossed_tier: false,
  complements: [
    { product_id: "502", product_name: "Gloss Labial", times_bought_together: 42 },
    { product_id: "503", product_name: "Delineador", times_bought_together: 17 },
  ],
  processed_at: Date.now(),
});

runMain(async () => {
  const api = await startBenchApi("ws", async () => {});
  const producer = api.kafka.producer();
  const sockets: WebSocket[] = [];
  try {
    const serde = await new AvroSerde(
      api.config.schemaRegistry.url,
      api.config.schemaRegistry.auth,
    ).forSubject<SaleFeedbackEvent>(
      valueSubject(api.kafka.topics.salesFeedback),
      await readSchemaFile(resolve(REPO_ROOT, "schemas/sales-feedback.avsc")),
    );
    await producer.connect();

    const sellers = Array.from({ length: CLIENTS }, (_, i) => String(5001 + i));
    const latencies: number[] = [];
    let dropped = 0;
    let received = 0;
    let measuring = false;
    await Promise.all(
      sellers.map(async (id) => {
        const token = await signToken(
          api.config.api.jwtSecret,
          { sub: `seller:${id}`, role: "seller", sellerId: id },
          "1h",
        );
        const ws = new WebSocket(`${api.base.replace("http", "ws")}/ws`, {
          headers: { authorization: `Bearer ${token}` },
        });
        sockets.push(ws);
        await new Promise<void>((ok, fail) => {
          ws.on("message", (data) => {
            const m = JSON.parse(String(data)) as { type: string; processedAt?: number; count?: number };
            if (m.type === "ready") ws.send(JSON.stringify({ type: "subscribe", scope: "seller", id }));
            else if (m.type === "subscribed") ok();
            else if (m.type === "error") fail(new Error(String(data)));
            else if (m.type === "dropped") dropped += m.count ?? 0;
            else if (m.type === "sale" && measuring) {
              received++;
              latencies.push(Date.now() - (m.processedAt ?? 0));
            }
          });
          ws.once("error", fail);
        });
      }),
    );
    console.log(`${CLIENTS} clients connected and subscribed; producing ${RATE} events/s for ${SECONDS} s`);

    measuring = true;
    let sent = 0;
    const total = RATE * SECONDS;
    const t0 = performance.now();
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE) + 1);
      if (due > sent) {
        const messages = [];
        for (; sent < due; sent++) {
          const e = event(sellers[sent % CLIENTS] as string, sent);
          messages.push({ key: e.seller_id, value: serde.encodeSync(e) });
        }
        await producer.send({ topic: api.kafka.topics.salesFeedback, messages, acks: -1 });
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const produceSeconds = (performance.now() - t0) / 1000;
    for (let i = 0; i < 100 && received < total; i++) await new Promise((r) => setTimeout(r, 100));
    console.log(
      `  produced ${sent} in ${produceSeconds.toFixed(1)} s (${Math.round(sent / produceSeconds)}/s); received ${received} (${dropped} dropped)`,
    );
    console.log(`  produce → WebSocket: ${latencyLine(latencies)}`);
  } finally {
    for (const ws of sockets) ws.close();
    await producer.disconnect().catch(() => {});
    await api.stop();
  }
});
