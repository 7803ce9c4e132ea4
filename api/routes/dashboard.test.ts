import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { dashboardRoutes } from "./dashboard.ts";

async function app() {
  const a = Fastify();
  const publicRoutes = new Map<string, boolean>();
  a.addHook("onRequest", async (req) => {
    publicRoutes.set(req.url, req.routeOptions.config.public === true);
  });
  await dashboardRoutes(a);
  a.get("/other", async () => "other");
  return { a, publicRoutes };
}

describe("dashboardRoutes", () => {
  it("serves the page, its modules and the vendored chart.js, all public", async () => {
    const { a, publicRoutes } = await app();
    const page = await a.inject("/dashboard/");
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain('src="/vendor/chart.umd.js"');
    const js = await a.inject("/dashboard/app.js");
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toContain("javascript");
    const chart = await a.inject("/vendor/chart.umd.js");
    expect(chart.statusCode).toBe(200);
    expect(chart.body).toContain("Chart");
    expect((await a.inject("/dashboard")).statusCode).toBe(301);
    expect(publicRoutes.get("/dashboard/")).toBe(true);
    expect(publicRoutes.get("/vendor/chart.umd.js")).toBe(true);
    await a.close();
  });

  it("marks only its own routes public and serves nothing outside web/dashboard", async () => {
    const { a, publicRoutes } = await app();
    await a.inject("/other");
    expect(publicRoutes.get("/other")).toBe(false);
    for (const url of [
      "/dashboard/../package.json",
      "/dashboard/%2e%2e/package.json",
      "/dashboard/format.test.ts",
      "/dashboard/format.d.ts",
      "/vendor/chart.js",
    ])
      expect((await a.inject(url)).statusCode, url).toBe(404);
    await a.close();
  });
});
