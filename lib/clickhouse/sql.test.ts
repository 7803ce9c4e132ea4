import { describe, expect, it } from "vitest";
import { ident, literal, raw, sql } from "./sql.ts";

describe("sql helper", () => {
  it("quotes strings so they cannot break out", () => {
    expect(literal("O'Brien")).toBe("'O\\'Brien'");
    expect(literal("a\\' OR 1=1 --")).toBe("'a\\\\\\' OR 1=1 --'");
    expect(literal("São Paulo; DROP")).toBe("'São Paulo; DROP'");
  });

  it("quotes other values", () => {
    expect(literal(42)).toBe("42");
    expect(literal(10n ** 20n)).toBe("100000000000000000000");
    expect(literal(true)).toBe("1");
    expect(literal(null)).toBe("NULL");
    expect(literal(new Date(Date.UTC(2024, 4, 12, 9, 5, 7)))).toBe("'2024-05-12 09:05:07'");
    expect(literal(["a", 1])).toBe("['a', 1]");
    expect(() => literal(Number.NaN)).toThrow(/finite/);
  });

  it("validates identifiers", () => {
    expect(ident("vitrine.sales").text).toBe("`vitrine`.`sales`");
    for (const bad of ["", "a b", "x;drop", "a.b.c", "`x`", "1abc"]) {
      expect(() => ident(bad)).toThrow(/VT_ERR|safe SQL identifier/);
    }
  });

  it("builds statements from fragments and values", () => {
    const q = sql`SELECT ${raw("count()")} FROM ${ident("t")} WHERE s = ${"x'y"} AND n IN ${[1, 2]}`;
    expect(q.text).toBe("SELECT count() FROM `t` WHERE s = 'x\\'y' AND n IN [1, 2]");
  });
});
