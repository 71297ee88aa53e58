/**
 * A schedule's form: a new one (pick a job type, then its timetable and job), or an existing
 * one's timetable, note and job changed in place. The API's field errors appear beside their
 * fields in either half; saving goes back to the Schedules page.
 */

import { ApiError } from "../api";
import type { AppContext, Unmount } from "../context";
import { h } from "../dom";
import { shortId } from "../format";
import { SCHEDULES_HREF, scheduleFormHref } from "../router";
import { scheduleBody, splitProblem, timetableInitial, timetableSchema } from "../scheduleForm";
import { allPaths, buildFields, buildValue, initialRaw, mapProblem } from "../schemaForm";
import type { JobTypeInfo, JsonSchema, Problem, ScheduleRecord } from "../types";
import { type RenderedForm, renderForm } from "./formView";
import { loading, notice, typeChooser } from "./widgets";

export function mountScheduleForm(main: HTMLElement, ctx: AppContext, scheduleId: string | null, type: string | null): Unmount {
  let alive = true;
  main.replaceChildren(loading());
  void (async () => {
    let types: JobTypeInfo[];
    let openapi: JsonSchema;
    let schedule: ScheduleRecord | null = null;
    try {
      [types, openapi, schedule] = await Promise.all([
        ctx.jobTypes(),
        ctx.api.openapi(),
        scheduleId ? ctx.api.schedule(scheduleId) : Promise.resolve(null),
      ]);
    } catch (error) {
      if (alive) main.replaceChildren(notice("error", `Cannot load the schedule form: ${(error as ApiError).message}`));
      return;
    }
    if (!alive) return;
    const chosen = types.find((t) => t.type === (schedule?.type ?? type));
    if (!chosen) {
      main.replaceChildren(typeChooser("New schedule", types, type, (t) => scheduleFormHref({ type: t })));
      return;
    }
    main.replaceChildren(form(ctx, chosen, openapi, schedule));
    main.querySelector<HTMLElement>("input, select, textarea")?.focus();
  })();
  return () => {
    alive = false;
  };
}

function form(ctx: AppContext, info: JobTypeInfo, openapi: JsonSchema, schedule: ScheduleRecord | null): HTMLElement {
  const editing = schedule !== null;
  const whenFields = buildFields(timetableSchema(openapi, editing), openapi);
  const when = renderForm(whenFields, initialRaw(whenFields, timetableInitial(schedule)), "when");
  const jobFields = buildFields(info.schema);
  const job = renderForm(jobFields, initialRaw(jobFields, schedule?.spec, info.example), "spec");
  const general = h("div", { "aria-live": "assertive" });
  const save = h("button", { type: "submit", class: "primary" }, editing ? "Save schedule" : `Create ${info.type} schedule`);
  const title = editing
    ? ["Schedule ", h("span", { class: "mono", title: schedule.schedule_id }, shortId(schedule.schedule_id))]
    : [`New ${info.type} schedule`];
  const el = h(
    "form",
    { class: "submit-form schedule-form", novalidate: true, "aria-labelledby": "schedule-title", "data-job-type": info.type },
    h("h1", { id: "schedule-title" }, ...title),
    h(
      "fieldset",
      { class: "group", "data-testid": "schedule-when" },
      h("legend", {}, "When"),
      h("p", { class: "muted" }, "Give either an interval or a cron; a cron replaces an interval and the other way round."),
      when.element,
    ),
    h("fieldset", { class: "group", "data-testid": "schedule-job" }, h("legend", {}, `Each run's ${info.type} job`), job.element),
    general,
    h("div", { class: "actions" }, save, h("a", { href: SCHEDULES_HREF, class: "button" }, "Cancel")),
  );
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    general.replaceChildren();
    const timetable = buildValue(whenFields, when.read());
    const spec = buildValue(jobFields, job.read());
    when.showErrors(timetable.errors);
    job.showErrors(spec.errors);
    if (Object.keys(timetable.errors).length || Object.keys(spec.errors).length) {
      (when.firstError() ?? job.firstError())?.focus();
      return;
    }
    save.disabled = true;
    save.setAttribute("aria-busy", "true");
    try {
      const body = scheduleBody(timetable.value, { ...spec.value, type: info.type });
      if (schedule) await ctx.api.updateSchedule(schedule.schedule_id, body);
      else await ctx.api.createSchedule(body);
      ctx.navigate(SCHEDULES_HREF);
    } catch (error) {
      const problem: Problem = error instanceof ApiError ? error.problem : { title: String(error), status: 0 };
      showProblem(problem, { when, whenFields: allPaths(whenFields), job, jobFields: allPaths(jobFields) }, general);
      (when.firstError() ?? job.firstError() ?? save).focus();
    } finally {
      save.disabled = false;
      save.removeAttribute("aria-busy");
    }
  });
  return el;
}

interface Halves {
  when: RenderedForm;
  whenFields: string[];
  job: RenderedForm;
  jobFields: string[];
}

/** Field errors beside their fields in either half; the rest (a timetable with both a cron
 * and an interval, a problem with no field) as one message under the form. */
function showProblem(problem: Problem, halves: Halves, general: HTMLElement): void {
  const split = splitProblem(problem);
  const none = { byField: {}, general: [] };
  const specErrors = split.spec.errors?.length ?? 0;
  const onJob = specErrors ? mapProblem(split.spec, halves.jobFields) : none;
  const onWhen = split.timetable.errors?.length || !specErrors ? mapProblem(split.timetable, halves.whenFields) : none;
  halves.job.showErrors(onJob.byField);
  halves.when.showErrors(onWhen.byField);
  const messages = [...onWhen.general, ...onJob.general.map((message) => `job: ${message}`)];
  if (messages.length) {
    general.replaceChildren(notice("error", h("strong", {}, `${problem.title || "Refused"}: `), messages.join("; ")));
  }
}
