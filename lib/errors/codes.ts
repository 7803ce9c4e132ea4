import { defineError } from "./vitrine-error.ts";

// === Configuration
export const VT_ERR_CONFIG_INVALID = defineError(
  "VT_ERR_CONFIG_INVALID",
  "One or more environment variables are missing or malformed; the message lists every one.",
  { status: 500 },
);

// === Local stack
export const VT_ERR_STACK_INSTALL = defineError(
  "VT_ERR_STACK_INSTALL",
  "A local service could not be installed from its package registry.",
);
export const VT_ERR_STACK_UNHEALTHY = defineError(
  "VT_ERR_STACK_UNHEALTHY",
  "A local service did not become healthy before its timeout; the log tail is printed.",
);

// === Serde / schema registry
export const VT_ERR_SERDE_SCHEMA_INCOMPATIBLE = defineError(
  "VT_ERR_SERDE_SCHEMA_INCOMPATIBLE",
  "The schema registry rejected a schema that breaks BACKWARD compatibility with the subject's latest version.",
  { status: 409 },
);
export const VT_ERR_SERDE_SCHEMA_NOT_FOUND = defineError(
  "VT_ERR_SERDE_SCHEMA_NOT_FOUND",
  "A schema file or a schema id referenced by a message does not exist.",
  { status: 404 },
);
export const VT_ERR_SERDE_REGISTRY_UNAVAILABLE = defineError(
  "VT_ERR_SERDE_REGISTRY_UNAVAILABLE",
  "The schema registry could not be reached.",
  { status: 503, retriable: true },
);

// === ClickHouse
export const VT_ERR_CH_MIGRATION_FAILED = defineError(
  "VT_ERR_CH_MIGRATION_FAILED",
  "A SQL migration failed; it is not recorded and will be retried on the next run.",
);
export const VT_ERR_CH_MIGRATION_CHANGED = defineError(
  "VT_ERR_CH_MIGRATION_CHANGED",
  "An already applied migration file was edited; add a new migration instead.",
);
export const VT_ERR_CH_UNSAFE_IDENTIFIER = defineError(
  "VT_ERR_CH_UNSAFE_IDENTIFIER",
  "A value used as a SQL identifier or literal failed validation.",
  { status: 400 },
);

// === API
export const VT_ERR_API_NOT_FOUND = defineError("VT_ERR_API_NOT_FOUND", "No such route or resource.", {
  status: 404,
});

export const VT_ERR_API_UNAUTHENTICATED = defineError(
  "VT_ERR_API_UNAUTHENTICATED",
  "The request carries no valid bearer token.",
  { status: 401 },
);
export const VT_ERR_API_FORBIDDEN = defineError(
  "VT_ERR_API_FORBIDDEN",
  "The token is valid but its role or scope does not allow this.",
  { status: 403 },
);
export const VT_ERR_API_BAD_REQUEST = defineError(
  "VT_ERR_API_BAD_REQUEST",
  "A path parameter, query parameter or body field is missing or malformed; the message names it.",
  { status: 400 },
);
export const VT_ERR_API_RATE_LIMITED = defineError(
  "VT_ERR_API_RATE_LIMITED",
  "Too many requests from one token (or address) within the rate-limit window.",
  { status: 429, retriable: true },
);
export const VT_ERR_API_UNAVAILABLE = defineError(
  "VT_ERR_API_UNAVAILABLE",
  "A dependency (ClickHouse, Kafka) failed while the API was answering.",
  { status: 503, retriable: true },
);

// === Telegram bot
export const VT_ERR_BOT_LINK_CODE_INVALID = defineError(
  "VT_ERR_BOT_LINK_CODE_INVALID",
  "A Telegram link code request has a bad seller id or lifetime.",
  { status: 400 },
);

// === Spark backfill
export const VT_ERR_BACKFILL_REFUSED = defineError(
  "VT_ERR_BACKFILL_REFUSED",
  "A backfill month is being written by the stream (or is the current business month).",
  { status: 409 },
);
export const VT_ERR_BACKFILL_FAILED = defineError(
  "VT_ERR_BACKFILL_FAILED",
  "The Spark backfill job or its partition swap failed; the live tables were not changed by the failed step.",
  { status: 500, retriable: true },
);

export const VT_ERR_PROCESSOR_BATCH_FAILED = defineError(
  "VT_ERR_PROCESSOR_BATCH_FAILED",
  "A sales batch kept failing (ClickHouse or Kafka) after every retry; nothing of it was committed.",
  { status: 503, retriable: true },
);

export const VT_ERR_KAFKA_PRODUCE_FAILED = defineError(
  "VT_ERR_KAFKA_PRODUCE_FAILED",
  "The Kafka producer could not connect, produce or commit a transaction; the open transaction was aborted, nothing of it is visible.",
  { status: 503, retriable: true },
);

/** Every declared error, for the docs consistency test. */
export const ALL_ERRORS = [
  VT_ERR_CONFIG_INVALID,
  VT_ERR_STACK_INSTALL,
  VT_ERR_STACK_UNHEALTHY,
  VT_ERR_SERDE_SCHEMA_INCOMPATIBLE,
  VT_ERR_SERDE_SCHEMA_NOT_FOUND,
  VT_ERR_SERDE_REGISTRY_UNAVAILABLE,
  VT_ERR_CH_MIGRATION_FAILED,
  VT_ERR_CH_MIGRATION_CHANGED,
  VT_ERR_CH_UNSAFE_IDENTIFIER,
  VT_ERR_API_NOT_FOUND,
  VT_ERR_API_UNAUTHENTICATED,
  VT_ERR_API_FORBIDDEN,
  VT_ERR_API_BAD_REQUEST,
  VT_ERR_API_RATE_LIMITED,
  VT_ERR_API_UNAVAILABLE,
  VT_ERR_BOT_LINK_CODE_INVALID,
  VT_ERR_BACKFILL_REFUSED,
  VT_ERR_BACKFILL_FAILED,
  VT_ERR_PROCESSOR_BATCH_FAILED,
  VT_ERR_KAFKA_PRODUCE_FAILED,
] as const;
