/** SALES_DERIVED_TABLES names exactly the tables the migrations' views feed from sales_lines. */
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { splitStatements } from "../lib/clickhouse/migrate.ts";
import { REPO_ROOT } from "../lib/paths.ts";
import { SALES_DERIVED_TABLES } from "./derived-tables.ts";

const VIEW = /^CREATE MATERIALIZED VIEW(?: IF NOT EXISTS)? (\w+) TO (\w+) AS[\s\S]*?\bFROM (\w+)/i;

describe("SALES_DERIVED_TABLES", () => {
  it("lists sales_lines first, then every table a view feeds from it (transitively)", () => {
    const dir = resolve(REPO_ROOT, "sql/migrations");
    const feeds = new Map<string, Set<string>>(); // source → targets
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      for (const s of splitStatements(readFileSync(resolve(dir, file), "utf8"))) {
        const m = VIEW.exec(s);
        if (!m) continue;
        const targets = feeds.get(m[3]!) ?? new Set<string>();
        targets.add(m[2]!);
        feeds.set(m[3]!, targets);
      }
    }
    const derived = new Set<string>();
    const visit = (t: string): void => {
      for (const x of feeds.get(t) ?? [])
        if (!derived.has(x)) {
          derived.add(x);
          visit(x);
        }
    };
    visit("sales_lines");
    expect(derived.size).toBeGreaterThanOrEqual(9);
    expect(SALES_DERIVED_TABLES[0]).toBe("sales_lines");
    expect([...SALES_DERIVED_TABLES.slice(1)].sort()).toEqual([...derived].sort());
  });
});
