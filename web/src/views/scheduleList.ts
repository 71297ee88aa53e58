/**
 * The Schedules page: the user's schedules with their timetable, next and recent runs (each a
 * link to its job), a link to each one's form, and buttons to pause, unpause, trigger a run now
 * and delete. "New schedule" opens the form of a new one.
 */

import type { ApiError } from "../api";
import type { AppContext, Unmount } from "../context";
import { h } from "../dom";
import { dateTime, shortId } from "../format";
import { jobHref, scheduleFormHref } from "../router";
import { latestRuns, overlapText, timetableText } from "../scheduleFormat";
import type { ScheduleAction, ScheduleRecord } from "../types";
import { loading, notice } from "./widgets";

/** Next runs and recent runs move on their own; the page reads them again this often. */
const REFRESH_MS = 10_000;

export function mountScheduleList(main: HTMLElement, ctx: AppContext): Unmount {
  const status = h("div", { "aria-live": "polite" });
  const tbody = h("tbody", {});
  main.replaceChildren(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Schedules"),
      h("a", { class: "button primary", href: scheduleFormHref({}) }, "New schedule"),
    ),
    h(
      "p",
      { class: "muted" },
      "Each run is one of your jobs. Schedules are also made with ",
      h("code", {}, "jobwire schedule create"),
      " or POST /api/schedules.",
    ),
    status,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "jobs", "data-testid": "schedule-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Schedule", "Job type", "When", "State", "Next runs", "Recent runs", "Actions"].map((title) =>
              h("th", { scope: "col" }, title),
            ),
          ),
        ),
        tbody,
      ),
    ),
  );
  tbody.replaceChildren(h("tr", {}, h("td", { colspan: 7 }, loading())));
  let alive = true;

  const act = (schedule: ScheduleRecord, action: ScheduleAction | "delete", button: HTMLButtonElement) => {
    const id = schedule.schedule_id;
    if (action === "delete" && !window.confirm(`Delete schedule ${id}? The jobs it started stay.`)) return;
    button.disabled = true;
    const call = action === "delete" ? ctx.api.deleteSchedule(id) : ctx.api.scheduleAction(id, action);
    call.then(
      (record) => {
        if (!alive) return;
        const row = tbody.querySelector(`tr[data-schedule-id="${CSS.escape(id)}"]`);
        if (record) row?.replaceWith(rowFor(record));
        else row?.remove();
        status.replaceChildren(notice("info", `${action === "trigger" ? "triggered" : `${action}d`}: ${id}`));
      },
      (error: unknown) => {
        button.disabled = false;
        status.replaceChildren(notice("error", `Cannot ${action} ${id}: ${(error as ApiError).message}`));
      },
    );
  };

  const button = (schedule: ScheduleRecord, action: ScheduleAction | "delete", label: string) => {
    const el = h("button", {
      type: "button",
      class: action === "delete" ? "danger" : "",
      "data-action": action,
      "aria-label": `${label} ${schedule.schedule_id}`,
    }, label);
    el.addEventListener("click", () => act(schedule, action, el));
    return el;
  };

  const rowFor = (schedule: ScheduleRecord): HTMLTableRowElement =>
    h(
      "tr",
      { "data-schedule-id": schedule.schedule_id },
      h(
        "td",
        {},
        h("span", { class: "mono", title: schedule.schedule_id }, shortId(schedule.schedule_id)),
        schedule.note ? h("div", { class: "muted" }, schedule.note) : null,
      ),
      h("td", {}, schedule.type),
      h("td", {}, timetableText(schedule), h("div", { class: "muted" }, overlapText(schedule.overlap))),
      h(
        "td",
        { "data-testid": "schedule-state" },
        h("span", { class: `badge state-${schedule.paused ? "paused" : "running"}` }, schedule.paused ? "paused" : "active"),
      ),
      h("td", { class: "num" }, ...schedule.next_runs.slice(0, 3).map((at) => h("div", {}, dateTime(at)))),
      h(
        "td",
        { "data-testid": "schedule-runs" },
        ...latestRuns(schedule.recent_runs).map((run) =>
          h("div", {}, h("a", { href: jobHref(run.job_id), class: "mono", title: run.job_id }, shortId(run.job_id)), " ", dateTime(run.scheduled_at)),
        ),
        schedule.recent_runs.length === 0 ? h("span", { class: "muted" }, "none yet") : null,
      ),
      h(
        "td",
        {},
        h(
          "a",
          { class: "button", href: scheduleFormHref({ scheduleId: schedule.schedule_id }), "aria-label": `Edit ${schedule.schedule_id}` },
          "Edit",
        ),
        schedule.paused ? button(schedule, "unpause", "Unpause") : button(schedule, "pause", "Pause"),
        button(schedule, "trigger", "Run now"),
        button(schedule, "delete", "Delete"),
      ),
    );

  const load = async () => {
    try {
      const page = await ctx.api.listSchedules();
      if (!alive) return;
      tbody.replaceChildren(...page.items.map(rowFor));
      if (page.items.length === 0) tbody.append(h("tr", {}, h("td", { colspan: 7, class: "muted" }, "No schedules yet.")));
    } catch (error) {
      if (!alive) return;
      status.replaceChildren(notice("error", `Cannot list schedules: ${(error as ApiError).message}`));
    }
  };

  void load();
  const timer = setInterval(() => void load(), REFRESH_MS);
  return () => {
    alive = false;
    clearInterval(timer);
  };
}
