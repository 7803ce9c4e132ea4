import { describe, expect, it } from "vitest";
import { DEV_SECRETS, loadConfig } from "./config.ts";
import { VitrineError } from "../errors/vitrine-error.ts";

const problemsOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(VitrineError);
    expect((err as VitrineError).code).toBe("VT_ERR_CONFIG_INVALID");
    return (err as VitrineError).message;
  }
  throw new Error("expected loadConfig to throw");
};

describe("loadConfig", () => {
  it("defaults to the local stack", () => {
    const c = loadConfig({});
    expect(c.kafka.brokers).toEqual(["127.0.0.1:9092"]);
    expect(c.schemaRegistry.url).toBe("http://127.0.0.1:8081/apis/ccompat/v7");
    expect(c.clickhouse.url).toBe("http://127.0.0.1:8123");
    expect(c.s3.endpoint).toBe("http://127.0.0.1:9444");
    expect(c.api.port).toBe(3000);
    expect(c.tzBusiness).toBe("America/Sao_Paulo");
    expect(c.telegram.botToken).toBeUndefined();
    expect(c.api.jwtSecret).toBe(DEV_SECRETS.JWT_SECRET);
  });

  it("parses lists, numbers and trailing slashes", () => {
    const c = loadConfig({
      KAFKA_BROKERS: "k1:9092, k2:9093",
      API_PORT: "8080",
      CLICKHOUSE_URL: "https://ch.example.com:8443/",
      S3_ENDPOINT: "",
    });
    expect(c.kafka.brokers).toEqual(["k1:9092", "k2:9093"]);
    expect(c.api.port).toBe(8080);
    expect(c.clickhouse.url).toBe("https://ch.example.com:8443");
    // An empty variable falls back to the default rather than meaning "AWS".
    expect(c.s3.endpoint).toBe("http://127.0.0.1:9444");
  });

  it("configures SASL/TLS for managed Kafka and registry auth", () => {
    const c = loadConfig({
      KAFKA_SSL: "true",
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: "p",
      SCHEMA_REGISTRY_USERNAME: "key",
      SCHEMA_REGISTRY_PASSWORD: "secret",
    });
    expect(c.kafka.ssl).toBe(true);
    expect(c.kafka.sasl).toEqual({ mechanism: "scram-sha-512", username: "u", password: "p" });
    expect(c.schemaRegistry.auth).toEqual({ username: "key", password: "secret" });
    const msg = problemsOf({ KAFKA_SASL_MECHANISM: "plain", KAFKA_SSL: "yes" });
    expect(msg).toContain("KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is set");
    expect(msg).toContain("KAFKA_SASL_PASSWORD is required");
    expect(msg).toContain("KAFKA_SSL must be true or false");
  });

  it("is frozen", () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.kafka)).toBe(true);
  });

  it("names every bad variable at once", () => {
    const msg = problemsOf({
      KAFKA_BROKERS: "no-port-here",
      SCHEMA_REGISTRY_URL: "not a url",
      CLICKHOUSE_URL: "ftp://x",
      CLICKHOUSE_DATABASE: "drop table;",
      S3_ENDPOINT: "nope",
      S3_BUCKET: "Bad_Bucket",
      API_PORT: "70000",
      JWT_SECRET: "short",
      API_ADMIN_TOKEN: "short",
      PSEUDONYM_SECRET: "short",
      TELEGRAM_BOT_TOKEN: "123",
      TELEGRAM_API_ROOT: "telegram",
      TZ_BUSINESS: "Mars/Olympus",
      LOG_LEVEL: "loud",
      NODE_ENV: "staging",
    });
    for (const name of [
      "KAFKA_BROKERS",
      "SCHEMA_REGISTRY_URL",
      "CLICKHOUSE_URL",
      "CLICKHOUSE_DATABASE",
      "S3_ENDPOINT",
      "S3_BUCKET",
      "API_PORT",
      "JWT_SECRET",
      "API_ADMIN_TOKEN",
      "PSEUDONYM_SECRET",
      "TELEGRAM_BOT_TOKEN",
      "TELEGRAM_API_ROOT",
      "TZ_BUSINESS",
      "LOG_LEVEL",
      "NODE_ENV",
    ]) {
      expect(msg).toContain(name);
    }
    expect(msg).toMatch(/^Invalid configuration \(15 problems\)/);
  });

  it("never echoes a secret value", () => {
    const msg = problemsOf({ JWT_SECRET: "tooshort-secret-value", API_PORT: "x" });
    expect(msg).not.toContain("tooshort-secret-value");
  });

  it("requires real secrets in production", () => {
    const msg = problemsOf({ NODE_ENV: "production", JWT_SECRET: DEV_SECRETS.JWT_SECRET });
    expect(msg).toContain("API_ADMIN_TOKEN is required in production");
    expect(msg).toContain("PSEUDONYM_SECRET is required in production");
    expect(msg).toContain("JWT_SECRET must not be the development default");
  });

  it("accepts a complete production configuration", () => {
    const s = "x".repeat(40);
    const c = loadConfig({
      NODE_ENV: "production",
      API_ADMIN_TOKEN: s,
      JWT_SECRET: s + "j",
      PSEUDONYM_SECRET: s + "p",
      TELEGRAM_BOT_TOKEN: "123456:ABCdefGhIJKlmnoPQRstuVWXyz012345",
    });
    expect(c.env).toBe("production");
    expect(c.pseudonymSecret).toBe(s + "p");
  });
});
