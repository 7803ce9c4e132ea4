/**
 * The daily report's clock: runs a task every day at a local hour of the business time zone
 * (08:00 `TZ_BUSINESS`), daylight-saving changes included (luxon does the calendar).
 */
import { DateTime } from "luxon";

/** The next instant strictly after `after` at `hour`:00 local time in `tz`. */
export function nextRunAt(after: Date, tz: string, hour: number): Date {
  const local = DateTime.fromJSDate(after, { zone: tz });
  let run = local.set({ hour, minute: 0, second: 0, millisecond: 0 });
  if (run <= local) run = run.plus({ days: 1 }).set({ hour, minute: 0, second: 0, millisecond: 0 });
  return run.toJSDate();
}

/**
 * Calls `task(at)` every day at `hour` local time until the returned function is called.
 * A failing task is reported to `onError` and the schedule goes on.
 */
export function scheduleDaily(o: {
  tz: string;
  hour: number;
  task: (at: Date) => Promise<unknown>;
  onError: (err: unknown) => void;
  now?: () => Date;
}): () => void {
  const now = o.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = (): void => {
    if (stopped) return;
    const at = nextRunAt(now(), o.tz, o.hour);
    // setTimeout holds at most ~24.8 days; a day is far below.
    timer = setTimeout(
      () => {
        o.task(at).catch(o.onError).finally(arm);
      },
      Math.max(0, at.getTime() - now().getTime()),
    );
  };
  arm();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
