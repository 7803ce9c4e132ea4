import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../paths.ts";
import * as codes from "./codes.ts";

describe("error codes", () => {
  const docs = readFileSync(resolve(REPO_ROOT, "docs/errors.md"), "utf8");
  const documented = [...docs.matchAll(/^\|\s*`(VT_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*(yes|no)\s*\|/gm)];

  it("every exported code is in ALL_ERRORS, well named and documented with its status", () => {
    const exported = Object.entries(codes).filter(([k]) => k.startsWith("VT_ERR_"));
    expect(exported.length).toBe(codes.ALL_ERRORS.length);
    for (const [name, spec] of exported) {
      const s = spec as (typeof codes.ALL_ERRORS)[number];
      expect(s.code).toBe(name);
      expect(name).toMatch(/^VT_ERR_[A-Z]+_[A-Z_]+$/);
      const row = documented.find((m) => m[1] === name);
      expect(row, `${name} missing from docs/errors.md`).toBeDefined();
      expect(Number(row?.[2])).toBe(s.status);
      expect(row?.[3]).toBe(s.retriable ? "yes" : "no");
    }
  });

  it("documents no code that does not exist", () => {
    const names = new Set(codes.ALL_ERRORS.map((e) => e.code));
    for (const m of documented) expect(names.has(m[1] ?? ""), m[1]).toBe(true);
  });
});
