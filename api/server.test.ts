import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { buildServer } from "./server.ts";

const ADMIN = "a".repeat(40);
const up = async () => {};
const down = async () => {
  throw new Error("connection refused");
};

describe("API server (routes, no network)", () => {
  it("reports each dependency and 200 when all are up", async () => {
    const app = await buildServer({ adminToken: ADMIN, metrics: new Registry(), checks: { a: up, b: up } });
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ status: string; checks: Record<string, { ok: boolean }> }>();
    expect(body.status).toBe("ok");
    expect(Object.keys(body.checks).sort()).toEqual(["a", "b"]);
    await app.close();
  });

  it("answers 503 naming the failing dependency", async () => {
    const app = await buildServer({ adminToken: ADMIN, metrics: new Registry(), checks: { a: up, b: down } });
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(503);
    const body = res.json<{ status: string; checks: Record<string, { ok: boolean; error?: string }> }>();
    expect(body.status).toBe("unhealthy");
    expect(body.checks.b).toMatchObject({ ok: false, error: "connection refused" });
    expect(body.checks.a?.ok).toBe(true);
    await app.close();
  });

  it("protects /metrics with the admin token", async () => {
    const app = await buildServer({ adminToken: ADMIN, metrics: new Registry(), checks: {} });
    expect((await app.inject({ url: "/metrics" })).statusCode).toBe(401);
    expect(
      (await app.inject({ url: "/metrics", headers: { authorization: "Bearer wrong" } })).statusCode,
    ).toBe(403);
    await app.inject({ url: "/health" });
    const ok = await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${ADMIN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain("vitrine_api_request_duration_seconds");
    await app.close();
  });

  it("serves the pt-BR home page with security headers and a clear 404", async () => {
    const app = await buildServer({ adminToken: ADMIN, metrics: new Registry(), checks: {} });
    const home = await app.inject({ url: "/" });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('lang="pt-BR"');
    expect(home.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(home.headers["x-content-type-options"]).toBe("nosniff");
    const missing = await app.inject({ url: "/nope" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: "VT_ERR_API_NOT_FOUND" });
    await app.close();
  });
});
