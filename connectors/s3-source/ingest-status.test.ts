import { describe, expect, it } from "vitest";
import { summarizeCheckpoints } from "./ingest-status.ts";

const cp = (key: string, done: boolean, accepted: number, rejected: Record<string, number>) => ({
  key,
  etag: "e",
  kind: "transactions",
  size: 1,
  line: 10,
  done,
  rowsRead: accepted + Object.values(rejected).reduce((a, b) => a + b, 0),
  accepted,
  rejected,
  updatedAt: "2024-01-01T00:00:00.000Z",
});

describe("summarizeCheckpoints", () => {
  it("adds files, rows and dead letters by reason", () => {
    const s = summarizeCheckpoints([
      cp("b.csv", true, 10, { bad_date: 2 }),
      cp("a.csv", false, 5, { bad_date: 1, not_numeric: 3 }),
    ]);
    expect(s.files.map((f) => f.key)).toEqual(["a.csv", "b.csv"]);
    expect(s.totals).toEqual({
      files: 2,
      filesDone: 1,
      rowsRead: 21,
      accepted: 15,
      deadLetters: 6,
      deadLettersByReason: { bad_date: 3, not_numeric: 3 },
    });
  });
  it("is empty without checkpoints", () => {
    expect(summarizeCheckpoints([]).totals.files).toBe(0);
  });
});

describe("docs/ingest-reasons.md", () => {
  it("documents exactly the reasons the connector can give", async () => {
    const { readFileSync } = await import("node:fs");
    const { resolve } = await import("node:path");
    const { REPO_ROOT } = await import("../../lib/paths.ts");
    const { REJECT_REASONS } = await import("./contract/reasons.ts");
    const doc = readFileSync(resolve(REPO_ROOT, "docs/ingest-reasons.md"), "utf8");
    const documented = [...doc.matchAll(/^\|\s*`([a-z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...REJECT_REASONS].sort());
  });
});
