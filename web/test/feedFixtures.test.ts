/**
 * Every recorded feed sequence in tests/fixtures/feed, run through the console's store.
 *
 * The Python client runs the same files (tests/unit/client/test_feed_fixtures.py): one
 * algorithm (docs/protocol.md), two implementations, held to the same outcomes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ApplyResult, JobEventStore } from "../src/eventStore";
import type { JobEvent, JobRecord } from "../src/types";

const folder = fileURLToPath(new URL("../../tests/fixtures/feed/", import.meta.url));
const read = (name: string) => JSON.parse(readFileSync(folder + name, "utf8"));
const defaults = read("defaults.json") as { event: JobEvent; record: JobRecord };
const cases = readdirSync(folder).filter((name) => name.endsWith(".json") && name !== "defaults.json");

type Body = Record<string, any>;

const recordOf = (fields: Body): JobRecord => ({ ...defaults.record, ...fields });

function eventOf(fields: Body): JobEvent {
  const event: JobEvent = { ...defaults.event, ...fields };
  const record = event.data?.["record"];
  if (event.type === "job.snapshot" && record && typeof record === "object") {
    event.data = { ...event.data, record: recordOf(record as Body) };
  }
  return event;
}

const steps: Record<string, (store: JobEventStore, body: Body) => ApplyResult> = {
  ack: (store, body) => store.acceptAck({ job: recordOf(body.record), last_seq: body.last_seq }),
  event: (store, body) => store.apply(eventOf(body)),
  resync: (store) => store.resubscribe(),
  reconnect: (store) => store.resubscribe(),
  fetch: (store) => ({ applied: [], lost: [], requests: [{ kind: "fetch", since: store.startBackfill() }] }),
  fetched: (store, body) => store.fetched(body.events.map(eventOf), body.last_seq),
  fetch_failed: (store) => store.fetchFailed(),
  record: (store, body) => {
    store.setRecord(recordOf(body.record), body.seq ?? null);
    return { applied: [], lost: [], requests: [] };
  },
};

describe("the recorded feed sequences", () => {
  it("are found", () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases)("%s", (name) => {
    const fixture = read(name);
    const store = new JobEventStore("job-1", fixture.since, fixture.buffer_limit ?? 256);
    const applied: number[] = [];
    const lost: Array<[number, number]> = [];
    const requests: Array<Record<string, number | null>> = [];
    for (const step of fixture.steps as Body[]) {
      const [kind, body] = Object.entries(step)[0];
      const result = steps[kind](store, body);
      applied.push(...result.applied.map((event) => event.seq));
      lost.push(...result.lost);
      requests.push(...result.requests.map((request) => ({ [request.kind]: request.since })));
    }
    const expected = fixture.expect;
    expect(applied).toEqual(expected.applied);
    expect(lost).toEqual(expected.lost);
    expect(requests).toEqual(expected.requests);
    expect(store.lastSeq).toBe(expected.last_seq);
    expect(store.progress).toBe(expected.progress);
    expect(store.done).toBe(expected.done);
    const shown = store.record as unknown as Body;
    const named = Object.fromEntries(Object.keys(expected.record).map((key) => [key, shown[key]]));
    expect(named).toEqual(expected.record);
  });
});
