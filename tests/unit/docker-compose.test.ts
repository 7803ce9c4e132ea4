/**
 * `docker-compose.yml` cannot be started here (no Docker engine, no compose client), so its
 * structure is checked instead: the same four services on the same loopback ports as the local
 * stack, official images, and an app service wired with the same variables the config reads.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_VARIABLES, loadConfig } from "../../lib/config/config.ts";
import { REPO_ROOT } from "../../lib/paths.ts";

interface Service {
  image?: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
}

describe("docker-compose.yml", () => {
  const doc = parse(readFileSync(resolve(REPO_ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<string, Service>;
  };
  const s = doc.services;

  it("has the four services and the app, on the local stack's ports", () => {
    expect(Object.keys(s).sort()).toEqual(["app", "clickhouse", "kafka", "s3", "schema-registry"]);
    expect(s.kafka?.ports).toContain("127.0.0.1:9092:9092");
    expect(s["schema-registry"]?.ports).toContain("127.0.0.1:8081:8080");
    expect(s.clickhouse?.ports).toContain("127.0.0.1:8123:8123");
    expect(s.s3?.ports).toContain("127.0.0.1:9444:9444");
    expect(s.app?.ports).toContain("127.0.0.1:3000:3000");
  });

  it("uses official images", () => {
    expect(s.kafka?.image).toMatch(/^apache\/kafka:4\./);
    expect(s["schema-registry"]?.image).toMatch(/^apicurio\/apicurio-registry/);
    expect(s.clickhouse?.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(s.s3?.image).toMatch(/^andrewgaul\/s3proxy/);
  });

  it("gives the app a configuration that validates, with known variables only", () => {
    const env = s.app?.environment ?? {};
    for (const name of Object.keys(env)) expect(CONFIG_VARIABLES, name).toContain(name);
    const c = loadConfig(env);
    expect(c.kafka.brokers).toEqual(["kafka:19092"]);
    expect(c.s3.accessKeyId).toBe(s.s3?.environment?.S3PROXY_IDENTITY);
    expect(c.s3.secretAccessKey).toBe(s.s3?.environment?.S3PROXY_CREDENTIAL);
  });
});
