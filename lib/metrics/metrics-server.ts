/**
 * A minimal loopback HTTP server exposing a Prometheus registry on `/metrics`, for the CLIs that
 * run without the API (connector, processor). Operational counts only, never personal data. A
 * port that is taken is reported through `onError` (the process keeps running without metrics).
 *
 * @example
 *   const server = serveMetrics(registry, 9464, (err) => log.warn({ err: err.message }, "metrics.unavailable"));
 *   …
 *   server.close();
 */
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export function serveMetrics(registry: Registry, port: number, onError: (err: Error) => void): Server {
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.on("error", onError);
  server.listen(port, "127.0.0.1");
  return server;
}
