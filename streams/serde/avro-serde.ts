/**
 * Avro serde through a Confluent-compatible schema registry (Apicurio's ccompat API locally,
 * Confluent Schema Registry in production). Messages use the Confluent wire format (magic
 * byte, 4-byte schema id, Avro body), so any Confluent-aware consumer can read them.
 *
 * Subjects follow the topic-name strategy (`<topic>-value`) and are registered with BACKWARD
 * compatibility: a change that would stop a new reader from reading old data is rejected with
 * `VT_ERR_SERDE_SCHEMA_INCOMPATIBLE`.
 *
 * @example
 *   const serde = new AvroSerde(config.schemaRegistry.url);
 *   const sales = await serde.forSubject<Sale>("raw.transactions-value", saleSchema);
 *   const buf = await sales.encode(sale);
 *   const back = await sales.decode(buf);
 */
import { readFile } from "node:fs/promises";
import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import avro, { type Schema as AvroSchemaJson, type Type } from "avsc";
import {
  VT_ERR_SERDE_REGISTRY_UNAVAILABLE,
  VT_ERR_SERDE_SCHEMA_INCOMPATIBLE,
  VT_ERR_SERDE_SCHEMA_NOT_FOUND,
} from "../../lib/errors/codes.ts";
import { VitrineError } from "../../lib/errors/vitrine-error.ts";

export type { Schema as AvroSchemaJson } from "avsc";

/**
 * Confluent framing (magic 0, 4-byte schema id) + Avro body, synchronously: the body is written
 * into a scratch buffer after the header and copied out once into a pooled buffer — the same
 * bytes as `Buffer.concat([header, type.toBuffer(value)])`, with one small allocation instead of
 * a zero-filled one and a concatenation (the processor encodes a record per line).
 * Throws when the value does not match the schema.
 */
export function framedEncoder<T>(type: Type, schemaId: number, initialScratch = 4096): (value: T) => Buffer {
  let scratch = Buffer.allocUnsafe(initialScratch);
  const frame = (): void => {
    scratch.writeUInt8(0, 0);
    scratch.writeInt32BE(schemaId, 1);
  };
  frame();
  return (value: T): Buffer => {
    for (;;) {
      const end = type.encode(value, scratch, 5);
      if (end > 0) {
        const out = Buffer.allocUnsafe(end);
        scratch.copy(out, 0, 0, end);
        return out;
      }
      // `encode` returns minus the missing bytes when the value does not fit: grow and retry.
      scratch = Buffer.allocUnsafe(2 * (scratch.length - end));
      frame();
    }
  };
}

/** Encoder/decoder bound to one subject and the schema id registered for it. */
export interface SubjectSerde<T> {
  readonly subject: string;
  readonly schemaId: number;
  encode(value: T): Promise<Buffer>;
  /**
   * Encodes without awaiting (hot paths): Confluent framing (magic 0, schema id) + Avro body.
   * Throws when the value does not match the schema.
   */
  encodeSync(value: T): Buffer;
  decode(buffer: Buffer): Promise<T>;
}

/** The subject of a topic's values (topic-name strategy). */
export const valueSubject = (topic: string): string => `${topic}-value`;

/**
 * Reads an `.avsc` file.
 *
 * @param path file path
 */
export async function readSchemaFile(path: string): Promise<AvroSchemaJson> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as AvroSchemaJson;
  } catch (err) {
    throw new VitrineError(VT_ERR_SERDE_SCHEMA_NOT_FOUND, `cannot read Avro schema ${path}`, { cause: err });
  }
}

export class AvroSerde {
  readonly registry: SchemaRegistry;

  private readonly authHeader: Record<string, string>;

  /**
   * @param url base URL of the Confluent-compatible API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7`
   * @param auth basic-auth credentials (Confluent Cloud API key and secret), if the registry needs them
   */
  constructor(
    private readonly url: string,
    auth?: { username: string; password: string },
  ) {
    this.registry = new SchemaRegistry({
      host: url,
      retry: { retries: 3, initialRetryTimeInSecs: 0.1 },
      ...(auth ? { auth } : {}),
    });
    this.authHeader = auth
      ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` }
      : {};
  }

  /**
   * Sets BACKWARD compatibility on the subject (idempotent), then registers the schema.
   * Registering an identical schema again returns the same id.
   *
   * @returns the schema id
   * @throws VitrineError `VT_ERR_SERDE_SCHEMA_INCOMPATIBLE` when the registry rejects the change
   */
  async register(subject: string, schema: AvroSchemaJson): Promise<number> {
    await this.setBackward(subject);
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      );
      return id;
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 409 || status === 422) {
        throw new VitrineError(
          VT_ERR_SERDE_SCHEMA_INCOMPATIBLE,
          `schema for ${subject} is not BACKWARD compatible with its latest version`,
          { cause: err },
        );
      }
      throw toRegistryError(err, this.url);
    }
  }

  /**
   * Registers the schema and returns a typed encoder/decoder for the subject.
   *
   * @param subject e.g. `valueSubject("raw.transactions")`
   * @param schema the Avro schema (its TypeScript type is `T`)
   */
  async forSubject<T>(subject: string, schema: AvroSchemaJson): Promise<SubjectSerde<T>> {
    const schemaId = await this.register(subject, schema);
    const type = avro.Type.forSchema(schema);
    return {
      subject,
      schemaId,
      encode: (value: T) => this.registry.encode(schemaId, value),
      encodeSync: framedEncoder<T>(type, schemaId),
      decode: async (buffer: Buffer) => (await this.registry.decode(buffer)) as T,
    };
  }

  /** Decodes any Confluent-framed message, whatever its schema id. */
  async decode<T>(buffer: Buffer): Promise<T> {
    return (await this.registry.decode(buffer)) as T;
  }

  /** Writer types by schema id (a schema id's schema never changes). */
  private readonly types = new Map<number, Pick<Type, "fromBuffer">>();

  /**
   * Decodes a Confluent-framed message synchronously once its schema id has been seen (one
   * registry lookup per id, then a cached avsc Type); the first message of an id returns a
   * promise. The hot path of consumers: the registry library's own decode is async per message.
   */
  decodeFast<T>(buffer: Buffer): T | Promise<T> {
    if (buffer.length < 5 || buffer.readUInt8(0) !== 0) return this.decode<T>(buffer);
    const id = buffer.readInt32BE(1);
    const type = this.types.get(id);
    if (type) return type.fromBuffer(buffer.subarray(5)) as T;
    return (async () => {
      // The registry library hands back an avsc Type for Avro schemas.
      const t = (await this.registry.getSchema(id)) as unknown as Pick<Type, "fromBuffer">;
      if (typeof t.fromBuffer !== "function") return this.decode<T>(buffer);
      this.types.set(id, t);
      return t.fromBuffer(buffer.subarray(5)) as T;
    })();
  }

  private async setBackward(subject: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${this.url}/config/${encodeURIComponent(subject)}`, {
        method: "PUT",
        headers: { "content-type": "application/vnd.schemaregistry.v1+json", ...this.authHeader },
        body: JSON.stringify({ compatibility: COMPATIBILITY.BACKWARD }),
      });
    } catch (err) {
      throw toRegistryError(err, this.url);
    }
    if (!res.ok) {
      throw new VitrineError(
        VT_ERR_SERDE_REGISTRY_UNAVAILABLE,
        `schema registry refused to set BACKWARD compatibility on ${subject}: HTTP ${res.status} ${await res.text()}`,
      );
    }
  }
}

function toRegistryError(err: unknown, url: string): VitrineError {
  if (err instanceof VitrineError) return err;
  return new VitrineError(
    VT_ERR_SERDE_REGISTRY_UNAVAILABLE,
    `schema registry at ${url} failed: ${(err as Error).message}`,
    {
      cause: err,
    },
  );
}
