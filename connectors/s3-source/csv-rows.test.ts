import { describe, expect, it } from "vitest";
import { csvRows, type CsvRow } from "./csv-rows.ts";

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const all = async (text: string, delimiter = ",", size = 7, startAfterLine = 0): Promise<CsvRow[]> => {
  const rows: CsvRow[] = [];
  for await (const b of csvRows(chunks(text, size), { delimiter, startAfterLine, batchLines: 3 }))
    rows.push(...b);
  return rows;
};

describe("csvRows", () => {
  it("parses quoted delimiters and accents across chunk boundaries (multi-byte split)", async () => {
    const text =
      '\ufeffcod_prod;descricao\r\n1;"Batom matte; longa duração, cor café"\n2;"Pó ""compacto"" São João"\n';
    const rows = await all(text, ";", 5);
    expect(rows.map((r) => r.fields)).toEqual([
      ["cod_prod", "descricao"],
      ["1", "Batom matte; longa duração, cor café"],
      ["2", 'Pó "compacto" São João'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it("keeps a broken quote to its own line and numbers every line", async () => {
    const text = 'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n10,"x"y,11\n12,13\n\n"14",15,16';
    const rows = await all(text);
    expect(rows.map((r) => [r.line, r.fields ? r.fields.join("|") : "ERR"])).toEqual([
      [1, "a|b|c"],
      [2, "1|2|3"],
      [3, "ERR"],
      [4, "7|8|9"],
      [5, "ERR"],
      [6, "12|13"],
      [8, "14|15|16"],
    ]);
    expect(rows[2]).toMatchObject({ raw: '4,"5,6', error: "unbalanced quote" });
    expect(rows[4]?.raw).toBe('10,"x"y,11');
  });

  it("resumes after a checkpointed line, still returning the header", async () => {
    const rows = await all("h1,h2\na,1\nb,2\nc,3\n", ",", 4, 3);
    expect(rows.map((r) => r.line)).toEqual([1, 4]);
  });
});
