import type { JobEvent, JobRecord, JobState } from "../src/types";

export function record(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    schema_version: 1,
    job_id: "job-1",
    user_id: "alice",
    type: "research",
    state: "running",
    progress: 0,
    step: "",
    phases: ["fetch", "rank", "report"],
    spec: { type: "research", question: "why?" },
    checkpoint: null,
    allowed_actions: ["pause", "cancel"],
    attempt: 1,
    result: null,
    error: null,
    created_at: "2026-11-22T10:00:00Z",
    updated_at: "2026-11-22T10:00:00Z",
    ...overrides,
  };
}

export function event(
  seq: number,
  type: JobEvent["type"] = "job.progress",
  overrides: Partial<JobEvent> = {},
): JobEvent {
  const state: JobState = overrides.state ?? "running";
  return {
    schema_version: 1,
    job_id: "job-1",
    user_id: "alice",
    seq,
    type,
    ts: `2026-11-22T10:00:${String(seq % 60).padStart(2, "0")}Z`,
    state,
    progress: Math.min(100, seq),
    step: `step ${seq}`,
    data: {},
    ...overrides,
  };
}

export const seqs = (events: JobEvent[]): number[] => events.map((e) => e.seq);
