import { describe, expect, it } from "vitest";
import { everyText, latestRuns, overlapText, timetableText } from "../src/scheduleFormat";
import { parseRoute, SCHEDULES_HREF } from "../src/router";

describe("schedule wording", () => {
  it("says an interval in the largest unit that divides it", () => {
    expect(everyText(60)).toBe("every 1 min");
    expect(everyText(90)).toBe("every 90 s");
    expect(everyText(7200)).toBe("every 2 h");
    expect(everyText(5400)).toBe("every 90 min");
    expect(everyText(172800)).toBe("every 2 d");
  });

  it("says a cron with its time zone, and an interval without one", () => {
    expect(timetableText({ cron: "0 9 * * MON-FRI", interval_seconds: null, time_zone: "Europe/Paris" })).toBe(
      "cron 0 9 * * MON-FRI (Europe/Paris)",
    );
    expect(timetableText({ cron: null, interval_seconds: 3600, time_zone: "UTC" })).toBe("every 1 h");
  });

  it("names each overlap policy", () => {
    expect(overlapText("skip")).toBe("skip a run while one runs");
    expect(overlapText("allow_all")).toBe("run alongside");
  });

  it("shows the newest runs first, at most the count asked", () => {
    const run = (n: number) => ({ job_id: `job-${n}`, scheduled_at: `2026-01-0${n}T00:00:00Z`, started_at: null });
    expect(latestRuns([run(1), run(2), run(3), run(4)], 2).map((r) => r.job_id)).toEqual(["job-4", "job-3"]);
    expect(latestRuns([])).toEqual([]);
  });

  it("routes to the schedules page", () => {
    expect(parseRoute(SCHEDULES_HREF)).toEqual({ page: "schedules" });
    expect(parseRoute("#/schedules/x/y").page).toBe("notfound");
  });
});
