/**
 * The schedule form's model, built from the API's served `ScheduleRequest` (the fixture is
 * checked against the served schema by tests/unit/api/test_openapi_exact.py).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scheduleBody, splitProblem, timetableInitial, timetableSchema } from "../src/scheduleForm";
import { buildFields, buildValue, initialRaw } from "../src/schemaForm";
import type { JsonSchema, ScheduleRecord } from "../src/types";

const openapi = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../tests/fixtures/openapi/schedule-request.json", import.meta.url)), "utf8"),
) as JsonSchema;

const byName = (schema: JsonSchema) => Object.fromEntries(buildFields(schema, openapi).map((f) => [f.name, f]));

describe("the timetable half", () => {
  it("takes its fields and bounds from the served schema, less the spec", () => {
    const fields = byName(timetableSchema(openapi, false));
    expect(Object.keys(fields).sort()).toEqual(["cron", "interval_seconds", "note", "overlap", "paused", "time_zone"]);
    expect(fields.interval_seconds).toMatchObject({ kind: "integer", min: 1, nullable: true, required: false });
    // The overlap's $ref points into the OpenAPI document's components, not a $defs.
    expect(fields.overlap).toMatchObject({ kind: "enum", defaultValue: "skip" });
    expect(fields.overlap.options).toContain("buffer_one");
    expect(fields.time_zone).toMatchObject({ kind: "string", maxLength: 64, defaultValue: "UTC" });
  });

  it("leaves pausing to the list's buttons when editing", () => {
    expect(Object.keys(byName(timetableSchema(openapi, true)))).not.toContain("paused");
  });

  it("refuses a document without a ScheduleRequest", () => {
    expect(() => timetableSchema({}, false)).toThrow(/ScheduleRequest/);
  });

  it("prefills an existing schedule and round-trips it to the same body", () => {
    const schedule = {
      cron: "30 9 * * 1-5",
      interval_seconds: null,
      time_zone: "Europe/Paris",
      overlap: "buffer_one",
      note: "at the open",
    } as unknown as ScheduleRecord;
    const fields = buildFields(timetableSchema(openapi, true), openapi);
    const { value, errors } = buildValue(fields, initialRaw(fields, timetableInitial(schedule)));
    expect(errors).toEqual({});
    expect(scheduleBody(value, { type: "count" })).toEqual({
      spec: { type: "count" },
      cron: "30 9 * * 1-5",
      time_zone: "Europe/Paris",
      overlap: "buffer_one",
      note: "at the open",
    });
  });

  it("starts a new schedule daily in the browser's zone", () => {
    const initial = timetableInitial(null);
    expect(initial.interval_seconds).toBe(86_400);
    expect(typeof initial.time_zone).toBe("string");
  });
});

describe("a problem from the API", () => {
  it("is split between the job's fields and the timetable's", () => {
    const split = splitProblem({
      title: "Invalid schedule",
      status: 422,
      errors: [
        { field: "spec.items", message: "too many" },
        { field: "interval_seconds", message: "at least 60" },
        { field: "spec", message: "bad spec" },
      ],
    });
    expect(split.spec.errors).toEqual([
      { field: "items", message: "too many" },
      { field: "", message: "bad spec" },
    ]);
    expect(split.timetable.errors).toEqual([{ field: "interval_seconds", message: "at least 60" }]);
    expect(split.timetable.title).toBe("Invalid schedule");
  });
});
