/**
 * The producer-side part of patches/kafkajs+2.2.4.patch (patches/README.md) changes how kafkajs
 * computes, never what it sends: these tests hold the patched code to independent references —
 * Kafka's own murmur2 test vectors and a BigInt transcription of the Java client's int
 * arithmetic, a BigInt zigzag varint (written and read back), and record batches decoded back by
 * kafkajs' decoder (offsets below and past 2^53).
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const murmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (
  key: Buffer | string,
) => number;

interface EncoderInstance {
  writeVarLong(v: unknown): EncoderInstance;
  writeVarInt(v: number): EncoderInstance;
  writeUVarInt(v: number): EncoderInstance;
  readonly buffer: Buffer;
}
interface EncoderClass {
  new (size?: number): EncoderInstance;
  sizeOfVarLong(v: unknown): number;
}
const Encoder = require("kafkajs/src/protocol/encoder.js") as EncoderClass;
const Long = require("kafkajs/src/utils/long.js") as { fromString(s: string): unknown };
const groupMessagesPerPartition = require("kafkajs/src/producer/groupMessagesPerPartition.js") as (args: {
  topic: string;
  partitionMetadata: readonly unknown[];
  messages: readonly { p: number; i: number }[];
  partitioner: (a: { message: { p: number } }) => number;
}) => Record<string, { p: number; i: number }[]>;
const Record = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (r: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string>;
}) => unknown;
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch: (b: {
    records: unknown[];
    firstOffset: unknown;
    lastOffsetDelta: number;
    firstTimestamp: number;
    maxTimestamp: number;
  }) => Promise<EncoderInstance>;
};
const decodeBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder.js") as (d: unknown) => Promise<{
  records: {
    key: Buffer | null;
    value: Buffer | null;
    offset: string;
    timestamp: string;
    headers: Record<string, Buffer>;
  }[];
}>;
const Decoder = require("kafkajs/src/protocol/decoder.js") as new (b: Buffer) => unknown;

/** The Java client's murmur2 (int arithmetic), in BigInt: every step masked to 32 bits. */
function javaMurmur2(data: Buffer): number {
  const M = 0x5bd1e995n;
  const u32 = (x: bigint) => x & 0xffffffffn;
  let h = u32(0x9747b28cn ^ BigInt(data.length));
  const n4 = Math.floor(data.length / 4);
  for (let i = 0; i < n4; i++) {
    let k = BigInt(data.readUInt32LE(i * 4));
    k = u32(k * M);
    k ^= k >> 24n;
    k = u32(k * M);
    h = u32(h * M);
    h ^= k;
  }
  const tail = data.length & ~3;
  const rest = data.length % 4;
  if (rest >= 3) h ^= BigInt(data[tail + 2]!) << 16n;
  if (rest >= 2) h ^= BigInt(data[tail + 1]!) << 8n;
  if (rest >= 1) {
    h ^= BigInt(data[tail]!);
    h = u32(h * M);
  }
  h ^= h >> 13n;
  h = u32(h * M);
  h ^= h >> 15n;
  return Number(BigInt.asIntN(32, h));
}

/** Zigzag varint of a signed 64-bit value, as Kafka's record format writes varlongs. */
function zigzagVarint(v: bigint): Buffer {
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return Buffer.from(out);
}

/** Deterministic pseudo-random bytes (no test depends on luck). */
function bytes(seed: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    b[i] = (x >>> 16) & 0xff;
  }
  return b;
}

describe("kafkajs patch: murmur2 partitioner", () => {
  it("gives the Java client's test vectors", () => {
    const vectors: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
      ["abc", 479470107],
    ];
    for (const [key, hash] of vectors) expect(murmur2(key)).toBe(hash);
  });

  it("equals the Java arithmetic for keys of every length remainder and high bytes", () => {
    for (let i = 0; i < 2000; i++) {
      const key = bytes(i, i % 71);
      expect(murmur2(key)).toBe(javaMurmur2(key));
    }
    // Keys shaped like the processor's (basket ids), as strings.
    for (let i = 0; i < 500; i++) {
      const key = `${100 + (i % 250)}|T${i * 7919}`;
      expect(murmur2(key)).toBe(javaMurmur2(Buffer.from(key)));
    }
  });
});

describe("kafkajs patch: varint encoding", () => {
  const values = [
    0,
    1,
    -1,
    63,
    64,
    -64,
    -65,
    127,
    128,
    2 ** 20,
    -(2 ** 20),
    2 ** 30 - 1,
    -(2 ** 30),
    2 ** 30,
    -(2 ** 30) - 1,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    2 ** 40,
    -(2 ** 40),
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
  ];

  it("writes a varlong exactly as the zigzag format says, small numbers (fast path) and large alike", () => {
    for (const v of values) {
      const expected = zigzagVarint(BigInt(v));
      expect(new Encoder().writeVarLong(v).buffer.equals(expected), String(v)).toBe(true);
      expect(Encoder.sizeOfVarLong(v), String(v)).toBe(expected.length);
    }
    for (const s of ["-9223372036854775808", "9223372036854775807", "12345678901234"]) {
      const expected = zigzagVarint(BigInt(s));
      expect(new Encoder().writeVarLong(Long.fromString(s)).buffer.equals(expected), s).toBe(true);
      expect(Encoder.sizeOfVarLong(Long.fromString(s)), s).toBe(expected.length);
    }
  });

  it("reads back every varlong, 1 to 10 bytes (float fast path up to 7, BigInt beyond)", () => {
    const longs = [
      ...values.map((v) => BigInt(v)),
      2n ** 48n,
      -(2n ** 48n),
      2n ** 49n,
      2n ** 55n + 3n,
      -(2n ** 62n),
      2n ** 63n - 1n,
      -(2n ** 63n),
    ];
    const buffer = Buffer.concat(longs.map(zigzagVarint));
    const d = new Decoder(buffer) as unknown as { readVarLong(): { value: bigint } };
    for (const v of longs) expect(d.readVarLong().value, String(v)).toBe(v);
  });

  it("writes varints and unsigned varints in place, several in a row", () => {
    const e = new Encoder(1);
    const expected: Buffer[] = [];
    for (const v of values.filter((x) => x >= -(2 ** 31) && x < 2 ** 31)) {
      e.writeVarInt(v);
      expected.push(zigzagVarint(BigInt(v)));
      if (v >= 0) {
        e.writeUVarInt(v);
        expected.push(unsignedVarint(v));
      }
    }
    expect(e.buffer.equals(Buffer.concat(expected))).toBe(true);
  });
});

function unsignedVarint(v: number): Buffer {
  const out: number[] = [];
  let z = BigInt(v);
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return Buffer.from(out);
}

describe("kafkajs patch: grouping and records", () => {
  it("groups messages per partition, each once, in their order", () => {
    const messages = Array.from({ length: 5000 }, (_, i) => ({ p: (i * 7919) % 5, i }));
    const groups = groupMessagesPerPartition({
      topic: "t",
      partitionMetadata: [{}],
      messages,
      partitioner: ({ message }) => message.p,
    });
    expect(Object.keys(groups).sort()).toEqual(["0", "1", "2", "3", "4"]);
    for (const [p, list] of Object.entries(groups)) {
      expect(list).toEqual(messages.filter((m) => m.p === Number(p)));
    }
  });

  it.each([
    ["small offsets", 0],
    ["15-digit offsets (the largest the float path takes)", 999_999_999_999_800],
    ["offsets past 2^53 (the BigInt path)", 9_007_199_254_740_900],
  ])("encodes a record batch that kafkajs' decoder reads back unchanged: %s", async (_, firstOffset) => {
    const input = Array.from({ length: 300 }, (_, i) => ({
      key: i % 9 === 0 ? null : Buffer.from(`k${i}`),
      value: i % 11 === 0 ? null : bytes(i, (i * 13) % 400),
      headers: i % 7 === 0 ? { h: `v${i}` } : undefined,
    }));
    const t0 = 1_796_640_000_000;
    const records = input.map((m, i) => Record({ ...m, offsetDelta: i, timestampDelta: i % 3 }));
    const batch = await RecordBatch({
      records,
      firstOffset: Long.fromString(String(BigInt(firstOffset))),
      lastOffsetDelta: input.length - 1,
      firstTimestamp: t0,
      maxTimestamp: t0 + 2,
    });
    const decoded = await decodeBatch(new Decoder(batch.buffer));
    expect(decoded.records).toHaveLength(input.length);
    decoded.records.forEach((r, i) => {
      const m = input[i]!;
      expect(r.offset).toBe(String(BigInt(firstOffset) + BigInt(i)));
      expect(r.timestamp).toBe(String(t0 + (i % 3)));
      expect(r.key === null ? null : r.key.toString()).toBe(m.key === null ? null : m.key.toString());
      expect(r.value === null ? null : Buffer.compare(r.value, m.value!)).toBe(m.value === null ? null : 0);
      expect(Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString()]))).toEqual(
        m.headers ?? {},
      );
    });
  });
});
