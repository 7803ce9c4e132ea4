import { describe, expect, it } from "vitest";
import { blackFriday, dayProfile, drawSecond, mothersDay } from "./calendar.ts";
import { epochDay, isoDate, weekday } from "./civil-date.ts";

describe("calendar", () => {
  it("knows the Brazilian selling dates", () => {
    expect(isoDate(mothersDay(2024))).toBe("2024-05-12");
    expect(isoDate(mothersDay(2025))).toBe("2025-05-11");
    expect(isoDate(blackFriday(2024))).toBe("2024-11-29");
    expect(isoDate(blackFriday(2025))).toBe("2025-11-28");
    expect(isoDate(blackFriday(2023))).toBe("2023-11-24");
    expect(weekday(blackFriday(2026))).toBe(5);
  });

  it("closes on Christmas and New Year's Day and peaks before gift dates", () => {
    expect(dayProfile(epochDay(2024, 12, 25), 2024).closed).toBe(true);
    expect(dayProfile(epochDay(2025, 1, 1), 2024).closed).toBe(true);
    const ordinarySaturday = dayProfile(epochDay(2024, 3, 16), 2024).demand;
    expect(dayProfile(epochDay(2024, 5, 11), 2024).demand).toBeGreaterThan(1.8 * ordinarySaturday);
    expect(dayProfile(epochDay(2024, 11, 29), 2024).demand).toBeGreaterThan(
      2 * dayProfile(epochDay(2024, 11, 8), 2024).demand,
    );
    expect(dayProfile(epochDay(2024, 12, 21), 2024).demand).toBeGreaterThan(2 * ordinarySaturday);
  });

  it("draws times inside opening hours: 10–22 h, Sunday 14–20 h, 24 December until 18 h", () => {
    const cases: [number, number, number][] = [
      [epochDay(2024, 3, 13), 10, 22],
      [epochDay(2024, 3, 16), 10, 22],
      [epochDay(2024, 3, 17), 14, 20],
      [epochDay(2024, 12, 24), 10, 18],
    ];
    for (const [day, open, close] of cases) {
      const p = dayProfile(day, 2024);
      for (let i = 0; i <= 100; i++) {
        const s = drawSecond(p, i / 100.0001, 0.999);
        expect(s).toBeGreaterThanOrEqual(open * 3600);
        expect(s).toBeLessThan(close * 3600);
      }
    }
  });
});
