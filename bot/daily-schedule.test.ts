import { afterEach, describe, expect, it, vi } from "vitest";
import { nextRunAt, scheduleDaily } from "./daily-schedule.ts";

const SP = "America/Sao_Paulo";

describe("nextRunAt", () => {
  it("is 08:00 São Paulo (11:00 UTC) today before eight, tomorrow after", () => {
    expect(nextRunAt(new Date("2026-12-02T10:59:59Z"), SP, 8).toISOString()).toBe("2026-12-02T11:00:00.000Z");
    expect(nextRunAt(new Date("2026-12-02T11:00:00Z"), SP, 8).toISOString()).toBe("2026-12-03T11:00:00.000Z");
  });

  it("follows the local calendar across a month end and in another zone with DST", () => {
    expect(nextRunAt(new Date("2026-12-31T23:30:00Z"), SP, 8).toISOString()).toBe("2027-01-01T11:00:00.000Z");
    // Europe/Lisbon: DST ends 2026-10-25 (UTC+1 → UTC+0).
    expect(nextRunAt(new Date("2026-10-24T12:00:00Z"), "Europe/Lisbon", 8).toISOString()).toBe(
      "2026-10-25T08:00:00.000Z",
    );
  });
});

describe("scheduleDaily", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the task at each 08:00 and keeps going after a failure", async () => {
    vi.useFakeTimers({ now: new Date("2026-12-02T10:00:00Z") });
    const runs: string[] = [];
    const errors: unknown[] = [];
    const stop = scheduleDaily({
      tz: SP,
      hour: 8,
      task: async (at) => {
        runs.push(at.toISOString());
        if (runs.length === 1) throw new Error("boom");
      },
      onError: (e) => errors.push(e),
    });
    await vi.advanceTimersByTimeAsync(2 * 24 * 3600_000);
    stop();
    expect(runs).toEqual(["2026-12-02T11:00:00.000Z", "2026-12-03T11:00:00.000Z"]);
    expect(errors).toHaveLength(1);
  });
});
