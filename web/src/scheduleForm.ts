/**
 * The schedule form's model, pure so it is tested without a DOM: the timetable's fields come
 * from the API's own OpenAPI document (`ScheduleRequest` without its spec), so a bound the
 * server sets is the bound the form shows; the job's fields come from its type's schema, as on
 * the submit page. A problem from the API is split between the two halves by field path.
 */

import type { JsonSchema, Problem, ScheduleRecord } from "./types";

/** What the form sends: a POST creates, a PATCH changes the fields it gives. */
export type ScheduleBody = Record<string, unknown>;

interface OpenApiDocument extends JsonSchema {
  components?: { schemas?: Record<string, JsonSchema> };
}

/** The timetable half's schema: `ScheduleRequest` less `spec` (and less `paused` when
 * editing: a PATCH pauses nothing; the list's buttons do). Its `$ref`s resolve against the
 * whole document. */
export function timetableSchema(openapi: OpenApiDocument, editing: boolean): JsonSchema {
  const request = openapi.components?.schemas?.ScheduleRequest;
  if (!request?.properties) throw new Error("the API's OpenAPI document has no ScheduleRequest");
  const dropped = new Set(editing ? ["spec", "paused"] : ["spec"]);
  const properties = Object.fromEntries(Object.entries(request.properties).filter(([name]) => !dropped.has(name)));
  return { ...request, properties, required: (request.required ?? []).filter((name) => !dropped.has(name)) };
}

/** The timetable half's initial values: the schedule being edited, else a daily run. */
export function timetableInitial(schedule: ScheduleRecord | null): Record<string, unknown> {
  if (!schedule) return { interval_seconds: 86_400, time_zone: browserZone(), overlap: "skip" };
  return {
    cron: schedule.cron,
    interval_seconds: schedule.interval_seconds,
    time_zone: schedule.time_zone,
    overlap: schedule.overlap,
    note: schedule.note,
  };
}

/** The body to send. Empty optional fields are left out, so a PATCH keeps what they name;
 * a cron given replaces an interval and the other way round (the API's rule). */
export function scheduleBody(timetable: Record<string, unknown>, spec: Record<string, unknown>): ScheduleBody {
  const body: ScheduleBody = { spec };
  for (const [name, value] of Object.entries(timetable)) {
    if (value !== null && value !== undefined && value !== "") body[name] = value;
  }
  return body;
}

/** One problem as two: the errors about `spec.…` (paths made relative to the spec, for the
 * job's half) and the rest (for the timetable's half and the general message). */
export function splitProblem(problem: Problem): { spec: Problem; timetable: Problem } {
  const errors = problem.errors ?? [];
  const onSpec = (field: string) => field === "spec" || field.startsWith("spec.");
  return {
    spec: {
      ...problem,
      errors: errors
        .filter((error) => onSpec(error.field))
        .map((error) => ({ ...error, field: error.field.replace(/^spec\.?/, "") })),
    },
    timetable: { ...problem, errors: errors.filter((error) => !onSpec(error.field)) },
  };
}

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
