import { describe, expect, it } from "vitest";
import { BenchArgsError, parseBenchArgs } from "./args.ts";

const spec = {
  lines: { type: "number", default: 1000, min: 1 },
  ratio: { type: "number", default: 0.5, integer: false },
  heap: { type: "optional-number", min: 64 },
  quick: { type: "flag" },
  client: { type: "string", default: "kafkajs", choices: ["kafkajs", "rdkafka"] },
  profile: { type: "optional-string" },
} as const;

describe("parseBenchArgs", () => {
  it("gives the defaults when nothing is passed", () => {
    expect(parseBenchArgs(spec, [])).toEqual({
      lines: 1000,
      ratio: 0.5,
      heap: undefined,
      quick: false,
      client: "kafkajs",
      profile: undefined,
    });
  });

  it("reads every kind of option", () => {
    expect(
      parseBenchArgs(spec, [
        "--lines",
        "30000",
        "--ratio",
        "0.25",
        "--heap",
        "256",
        "--quick",
        "--client",
        "rdkafka",
        "--profile",
        "/tmp/p",
      ]),
    ).toEqual({ lines: 30000, ratio: 0.25, heap: 256, quick: true, client: "rdkafka", profile: "/tmp/p" });
  });

  it.each([
    [["--line", "5"], /line/], // a typo is not silently ignored
    [["--lines"], /lines/], // missing value
    [["--lines", "many"], /--lines must be an integer \(got many\)/],
    [["--lines", "1.5"], /--lines must be an integer/],
    [["--lines", "0"], /--lines must be at least 1/],
    [["--heap", "32"], /--heap must be at least 64/],
    [["--client", "java"], /--client must be one of kafkajs, rdkafka \(got java\)/],
    [["extra"], /extra/], // positional
  ])("refuses %j", (argv, message) => {
    expect(() => parseBenchArgs(spec, argv)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(spec, argv)).toThrow(message);
  });
});
