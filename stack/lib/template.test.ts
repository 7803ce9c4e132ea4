import { describe, expect, it } from "vitest";
import { renderTemplate } from "./template.ts";

describe("renderTemplate", () => {
  it("replaces placeholders", () => {
    expect(renderTemplate("port=${PORT} dir=${DATA_DIR}", { PORT: 9092, DATA_DIR: "/x" })).toBe(
      "port=9092 dir=/x",
    );
  });
  it("refuses unknown placeholders", () => {
    expect(() => renderTemplate("${NOPE}", {})).toThrow(/NOPE/);
  });
});
