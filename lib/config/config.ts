/**
 * Typed configuration of every Vitrine process, read once from environment variables and
 * validated at start-up. Every bad variable is reported at once under `VT_ERR_CONFIG_INVALID`;
 * secret values are never echoed in messages. Defaults point at the local stack (`npm run stack:up`);
 * with `NODE_ENV=production` secrets have no default and must be set.
 *
 * @example
 *   const config = loadConfig(process.env);
 *   config.kafka.brokers; // ["127.0.0.1:9092"]
 */
import { z } from "zod";
import { VT_ERR_CONFIG_INVALID } from "../errors/codes.ts";
import { VitrineError } from "../errors/vitrine-error.ts";

/** Development-only secrets, refused in production. */
export const DEV_SECRETS = {
  API_ADMIN_TOKEN: "dev-admin-token-change-me-0123456789abcdef",
  JWT_SECRET: "dev-jwt-secret-change-me-0123456789abcdef",
  PSEUDONYM_SECRET: "dev-pseudonym-secret-change-me-0123456789",
} as const;

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

const httpUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `must be an http(s) URL of the ${what}` })
    .transform((u) => u.replace(/\/+$/, ""));

const port = z.coerce
  .number({ error: "must be a port number" })
  .int("must be a whole number")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");

const secret = z.string().min(32, "must be at least 32 characters long").optional();

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  KAFKA_BROKERS: z
    .string()
    .default("127.0.0.1:9092")
    .transform((s) =>
      s
        .split(",")
        .map((b) => b.trim())
        .filter((b) => b.length > 0),
    )
    .refine((list) => list.length > 0, "must list at least one broker as host:port")
    .refine((list) => list.every((b) => hostPort.test(b)), "must be a comma-separated list of host:port"),
  KAFKA_SSL: z
    .enum(["true", "false"], { error: "must be true or false" })
    .default("false")
    .transform((v) => v === "true"),
  KAFKA_SASL_MECHANISM: z
    .enum(["plain", "scram-sha-256", "scram-sha-512"], {
      error: "must be plain, scram-sha-256 or scram-sha-512",
    })
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "may hold letters, digits, . _ -")
    .default("vitrine"),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(
      /^([A-Za-z0-9_-]+\.)?$/,
      "must be empty or a name ending in '.' (letters, digits, _ -), e.g. staging.",
    )
    .default(""),
  SCHEMA_REGISTRY_URL: httpUrl("Confluent-compatible schema registry").default(
    "http://127.0.0.1:8081/apis/ccompat/v7",
  ),
  SCHEMA_REGISTRY_USERNAME: z.string().optional(),
  SCHEMA_REGISTRY_PASSWORD: z.string().optional(),
  CLICKHOUSE_URL: httpUrl("ClickHouse HTTP interface").default("http://127.0.0.1:8123"),
  CLICKHOUSE_USER: z.string().min(1, "must not be empty").default("default"),
  CLICKHOUSE_PASSWORD: z.string().default(""),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, "must be a plain identifier (letters, digits, _)")
    .default("vitrine"),
  S3_ENDPOINT: z
    .union([z.literal(""), httpUrl("S3-compatible endpoint")])
    .default("http://127.0.0.1:9444")
    .transform((s) => (s === "" ? undefined : s)),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "must be a valid S3 bucket name (3-63 lowercase letters, digits, . -)",
    )
    .default("vitrine"),
  S3_ACCESS_KEY_ID: z.string().min(1, "must not be empty").default("vitrine"),
  S3_SECRET_ACCESS_KEY: z.string().min(1, "must not be empty").default("vitrine-local-secret"),
  API_HOST: z.string().min(1).default("127.0.0.1"),
  API_PORT: port.default(3000),
  API_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: "must be a number of requests" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .default(1200),
  API_ADMIN_TOKEN: secret,
  JWT_SECRET: secret,
  PSEUDONYM_SECRET: secret,
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like <bot id>:<secret> as issued by @BotFather")
    .optional(),
  TELEGRAM_API_ROOT: httpUrl("Telegram Bot API").default("https://api.telegram.org"),
  TZ_BUSINESS: z
    .string()
    .refine(isTimeZone, "must be an IANA time zone such as America/Sao_Paulo")
    .default("America/Sao_Paulo"),
});

/**
 * Checks that involve several variables. They run on the raw values, also when single variables
 * are invalid, so that one run reports every problem.
 */
function crossChecks(env: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  if (env.KAFKA_SASL_MECHANISM) {
    for (const name of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"])
      if (!env[name]) problems.push(`${name} is required when KAFKA_SASL_MECHANISM is set`);
  }
  if (env.NODE_ENV === "production") {
    for (const name of ["API_ADMIN_TOKEN", "JWT_SECRET", "PSEUDONYM_SECRET"] as const) {
      if (env[name] === undefined) problems.push(`${name} is required in production`);
      else if (env[name] === DEV_SECRETS[name])
        problems.push(`${name} must not be the development default in production`);
    }
  }
  return problems;
}

/** The validated, frozen configuration. */
export interface Config {
  readonly env: "development" | "test" | "production";
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    /** Namespace of every topic name ("" or e.g. "staging."); see streams/topics.ts. */
    readonly topicPrefix: string;
    readonly ssl: boolean;
    readonly sasl:
      | {
          readonly mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
          readonly username: string;
          readonly password: string;
        }
      | undefined;
  };
  readonly schemaRegistry: {
    readonly url: string;
    readonly auth: { readonly username: string; readonly password: string } | undefined;
  };
  readonly clickhouse: {
    readonly url: string;
    readonly user: string;
    readonly password: string;
    readonly database: string;
  };
  readonly s3: {
    /** Undefined means the real AWS endpoint for the region. */
    readonly endpoint: string | undefined;
    readonly region: string;
    readonly bucket: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  };
  readonly api: {
    readonly host: string;
    readonly port: number;
    readonly adminToken: string;
    readonly jwtSecret: string;
    /** Requests per minute per token (or per address without a valid token). */
    readonly rateLimitPerMinute: number;
  };
  readonly pseudonymSecret: string;
  readonly telegram: { readonly botToken: string | undefined; readonly apiRoot: string };
  readonly tzBusiness: string;
}

/** Names of every variable the configuration reads (for docs and the README table). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as readonly string[];

/**
 * Reads and validates the configuration.
 *
 * @param env the environment, usually `process.env`
 * @throws VitrineError `VT_ERR_CONFIG_INVALID` listing every invalid variable
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  // Empty strings count as "not set" so that `FOO= npm start` falls back to the default.
  const cleaned: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== "") cleaned[name] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0] ?? "?")} ${i.message}`)),
    ...crossChecks(cleaned),
  ];
  if (!parsed.success || problems.length > 0) {
    const unique = [...new Set(problems)].sort();
    throw new VitrineError(
      VT_ERR_CONFIG_INVALID,
      `Invalid configuration (${unique.length} problem${unique.length === 1 ? "" : "s"}):\n  - ${unique.join("\n  - ")}`,
    );
  }
  const e = parsed.data;
  if (!e) throw new Error("unreachable: configuration parsed without data");
  return deepFreeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      ssl: e.KAFKA_SSL,
      sasl:
        e.KAFKA_SASL_MECHANISM && e.KAFKA_SASL_USERNAME && e.KAFKA_SASL_PASSWORD
          ? {
              mechanism: e.KAFKA_SASL_MECHANISM,
              username: e.KAFKA_SASL_USERNAME,
              password: e.KAFKA_SASL_PASSWORD,
            }
          : undefined,
    },
    schemaRegistry: {
      url: e.SCHEMA_REGISTRY_URL,
      auth:
        e.SCHEMA_REGISTRY_USERNAME && e.SCHEMA_REGISTRY_PASSWORD
          ? { username: e.SCHEMA_REGISTRY_USERNAME, password: e.SCHEMA_REGISTRY_PASSWORD }
          : undefined,
    },
    clickhouse: {
      url: e.CLICKHOUSE_URL,
      user: e.CLICKHOUSE_USER,
      password: e.CLICKHOUSE_PASSWORD,
      database: e.CLICKHOUSE_DATABASE,
    },
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      adminToken: e.API_ADMIN_TOKEN ?? DEV_SECRETS.API_ADMIN_TOKEN,
      jwtSecret: e.JWT_SECRET ?? DEV_SECRETS.JWT_SECRET,
      rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    },
    pseudonymSecret: e.PSEUDONYM_SECRET ?? DEV_SECRETS.PSEUDONYM_SECRET,
    telegram: { botToken: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT },
    tzBusiness: e.TZ_BUSINESS,
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
