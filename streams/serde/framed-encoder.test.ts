import avro from "avsc";
import { describe, expect, it } from "vitest";
import { framedEncoder } from "./avro-serde.ts";

const type = avro.Type.forSchema({
  type: "record",
  name: "Line",
  fields: [
    { name: "id", type: "string" },
    { name: "cents", type: "long" },
    { name: "partners", type: { type: "array", items: "string" } },
  ],
});
const reference = (schemaId: number, v: unknown): Buffer => {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, type.toBuffer(v)]);
};

describe("framedEncoder", () => {
  it("writes the Confluent frame and the Avro body byte for byte, growing its scratch when needed", () => {
    const encode = framedEncoder(type, 4242, 16); // a tiny scratch: most values must grow it
    const values = [
      { id: "", cents: 0, partners: [] },
      { id: "101|T9|501", cents: -305, partners: ["502", "503"] },
      { id: "x".repeat(10_000), cents: 2 ** 40, partners: Array.from({ length: 500 }, (_, i) => `p${i}`) },
      { id: "ção", cents: 1, partners: ["é"] },
    ];
    for (const v of values) {
      const out = encode(v);
      expect(out.equals(reference(4242, v))).toBe(true);
      expect(type.fromBuffer(out.subarray(5))).toEqual(v);
    }
  });

  it("returns buffers of their own (a later encode does not change an earlier result)", () => {
    const encode = framedEncoder(type, 7);
    const a = encode({ id: "first", cents: 1, partners: [] });
    const copy = Buffer.from(a);
    encode({ id: "second-and-longer", cents: 2, partners: ["z"] });
    expect(a.equals(copy)).toBe(true);
  });

  it("throws on a value that does not match the schema", () => {
    expect(() => framedEncoder(type, 7)({ id: 5, cents: 1, partners: [] })).toThrow();
  });
});
