import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

describe("createLogger", () => {
  it("redacts secrets and CPF", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({ name: "t" }, sink);
    log.info({ cpf: "123.456.789-09", user: { password: "hunter2", token: "abc" }, rows: 3 }, "x");
    const out = lines.join("");
    expect(out).not.toContain("123.456.789-09");
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain('"abc"');
    expect(out).toContain('"rows":3');
  });
});
