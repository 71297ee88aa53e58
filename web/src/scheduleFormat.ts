/** How the Schedules page words a schedule's timetable, overlap policy and runs. */

import type { Overlap, ScheduleRecord, ScheduleRun } from "./types";

const UNITS: Array<[number, string]> = [
  [86400, "d"],
  [3600, "h"],
  [60, "min"],
];

/** `every 2 h`, `every 90 s`: the largest unit that divides the interval exactly. */
export function everyText(seconds: number): string {
  for (const [size, unit] of UNITS) {
    if (seconds >= size && seconds % size === 0) return `every ${seconds / size} ${unit}`;
  }
  return `every ${seconds} s`;
}

/** The timetable as its owner wrote it: a cron with its time zone, or an interval. */
export function timetableText(schedule: Pick<ScheduleRecord, "cron" | "interval_seconds" | "time_zone">): string {
  if (schedule.cron) return `cron ${schedule.cron} (${schedule.time_zone})`;
  if (schedule.interval_seconds) return everyText(schedule.interval_seconds);
  return "—";
}

const OVERLAP_TEXT: Record<Overlap, string> = {
  skip: "skip a run while one runs",
  buffer_one: "queue one run while one runs",
  buffer_all: "queue every run while one runs",
  cancel_other: "cancel the running one",
  terminate_other: "terminate the running one",
  allow_all: "run alongside",
};

export function overlapText(overlap: Overlap): string {
  return OVERLAP_TEXT[overlap] ?? overlap;
}

/** The latest `count` runs, newest first (the server lists them oldest first). */
export function latestRuns(runs: readonly ScheduleRun[], count = 3): ScheduleRun[] {
  return [...runs].reverse().slice(0, count);
}
