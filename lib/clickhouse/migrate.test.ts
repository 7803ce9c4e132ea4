import { describe, expect, it } from "vitest";
import { splitStatements } from "./migrate.ts";

describe("splitStatements", () => {
  it("splits at line-ending semicolons and drops comment lines", () => {
    const text =
      "-- header\nCREATE TABLE a (x String DEFAULT ';') ENGINE = Memory;\n\n-- b\nCREATE VIEW v AS SELECT 1;";
    expect(splitStatements(text)).toEqual([
      "CREATE TABLE a (x String DEFAULT ';') ENGINE = Memory",
      "CREATE VIEW v AS SELECT 1",
    ]);
  });
  it("returns nothing for a comment-only file", () => {
    expect(splitStatements("-- nothing\n\n")).toEqual([]);
  });
});
