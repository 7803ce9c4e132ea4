import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { csvRows, type CsvRow } from "./csv-rows.ts";
import { packRows, unpackRows } from "./validate-pool.ts";

async function rowsOf(text: string, delimiter: string): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const batch of csvRows(Readable.from([text]), { delimiter })) out.push(...batch);
  return out;
}

describe("packRows / unpackRows", () => {
  it("give back exactly the rows csvRows made: plain, quoted, broken, accented", async () => {
    const text = [
      "a;b;c",
      "1;Água micelar;3",
      '2;"Sérum; com ponto e vírgula";4',
      '3;"sem fim;5',
      ";;",
      "4;x;y;z",
    ].join("\n");
    const rows = await rowsOf(text, ";");
    expect(rows.length).toBe(6);
    const packed = packRows(rows);
    expect(packed.parsed.map((p) => p.i)).toEqual([2, 3]);
    // The worker receives a structured clone.
    expect(unpackRows(structuredClone(packed), ";")).toEqual(rows);
  });

  it("an empty batch stays empty", () => {
    expect(unpackRows(packRows([]), ",")).toEqual([]);
  });
});
