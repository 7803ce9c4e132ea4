/**
 * `npm run bench:api -- [--seconds 10] [--concurrency 32] [--sellers 50]` — requests/s and
 * latency of `GET /api/sellers/:id/summary` on this machine, against the real API process
 * (JWT auth, RBAC, audit row per request, figures from ClickHouse 18.16) with a keep-alive
 * `http` client of N concurrent workers in this process (client and server share the 2 cores).
 *
 * Two phases:
 * - cached: every request asks a seller's current figures (`month=2024-05`); the API's 1 s
 *   figures cache answers most of them (what a dashboard full of sellers does);
 * - uncached: every request asks another month (a cache miss each time), so each one is a
 *   ClickHouse round trip (employee, seller-month gold, target): the database path's limit.
 * Target (issue 5): ≥ 2k requests/s with p99 reported.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { signToken } from "../api/auth/tokens.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { latencyLine, startBenchApi } from "./api-process.ts";
import { benchArgs } from "./args.ts";

const opts = benchArgs("npm run bench:api -- [--seconds 10] [--concurrency 32] [--sellers 50]", {
  seconds: { type: "number", default: 10, min: 1 },
  concurrency: { type: "number", default: 32, min: 1 },
  sellers: { type: "number", default: 50, min: 1 },
});
const SECONDS = opts.seconds;
const CONCURRENCY = opts.concurrency;
const SELLERS = opts.sellers;

interface Phase {
  readonly name: string;
  readonly url: (i: number) => string;
}

runMain(async () => {
  const sellers = Array.from({ length: SELLERS }, (_, i) => String(3001 + i));
  const api = await startBenchApi("api", async (ch) => {
    await ch.insert({
      table: "ref_employees",
      format: "JSONEachRow",
      values: sellers.map((id, i) => ({
        _topic: "raw.employees",
        _partition: 0,
        _offset: i,
        id_employee: id,
        name: `Nome${id}`,
        surname: "S",
        cpf_pseudonym: `p${id}`,
        status: "ativo",
        role: "vendedor",
        initial_date: "2020-01-01",
        end_date: null,
        store_id: String(101 + (i % 10)),
        source_file: "bench",
        source_line: i,
      })),
    });
    const lines = [];
    let offset = 0;
    for (const id of sellers)
      for (let n = 0; n < 40; n++) {
        const cents = 1000 + ((n * 37) % 9000);
        lines.push({
          _topic: "sales.normalized",
          _partition: 0,
          _offset: offset++,
          line_id: `${id}|${n}|501`,
          basket_id: `${id}|${n >> 1}`,
          seller_id: id,
          seller_role: "vendedor",
          store_id: "101",
          transaction_id: String(n),
          product_id: "501",
          quantidade: 1,
          preco_cents: cents,
          revenue_cents: cents,
          high_margin: 0,
          commission_rate_micro: 30_000,
          commission_micro: cents * 30_000,
          plan_version: 1,
          sale_time: "2024-05-10 17:00:00",
          local_date: "2024-05-10",
          month: "2024-05",
          weekday: 5,
          hour: 14,
          source_file: "bench",
          source_line: n,
          rejection: "",
          pair_partners: [],
        });
      }
    await ch.insert({ table: "sales_lines", format: "JSONEachRow", values: lines });
  });
  try {
    const tokens = await Promise.all(
      sellers.map((id) =>
        signToken(api.config.api.jwtSecret, { sub: `seller:${id}`, role: "seller", sellerId: id }, "1h"),
      ),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const get = (path: string, token: string) =>
      new Promise<number>((resolveStatus, reject) => {
        const req = request(
          `${api.base}${path}`,
          { agent, headers: { authorization: `Bearer ${token}` } },
          (res) => {
            res.resume();
            res.on("end", () => resolveStatus(res.statusCode ?? 0));
          },
        );
        req.on("error", reject);
        req.end();
      });

    const months = Array.from(
      { length: 99 * 12 },
      (_, i) => `${2001 + Math.floor(i / 12)}-${String(1 + (i % 12)).padStart(2, "0")}`,
    );
    const phases: Phase[] = [
      {
        name: "cached (same month, 1 s figures cache)",
        url: (i) => `/api/sellers/${sellers[i % SELLERS]}/summary?month=2024-05`,
      },
      {
        name: "uncached (a new month each request: ClickHouse every time)",
        url: (i) =>
          `/api/sellers/${sellers[i % SELLERS]}/summary?month=${months[Math.floor(i / SELLERS) % months.length]}`,
      },
    ];
    console.log(
      `seller summary, ${CONCURRENCY} keep-alive workers, ${SECONDS} s per phase, ${SELLERS} sellers`,
    );
    for (const phase of phases) {
      // Warm-up (JIT, connections), not counted.
      for (let i = 0; i < 200; i++) await get(phase.url(i), tokens[i % SELLERS] as string);
      let next = 0;
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      const end = performance.now() + SECONDS * 1000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < end) {
            const i = next++;
            const s = performance.now();
            const status = await get(phase.url(i), tokens[i % SELLERS] as string);
            latencies.push(performance.now() - s);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      console.log(
        `  ${phase.name}: ${Math.round(latencies.length / elapsed)} req/s (${latencies.length} in ${elapsed.toFixed(1)} s)  ${latencyLine(latencies)}  statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
    }
    agent.destroy();
  } finally {
    await api.stop();
  }
});
