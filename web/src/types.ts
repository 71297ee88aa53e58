/**
 * The wire shapes of jobwire's REST and Socket.IO contract (docs/protocol.md).
 * The Python models in jobwire/contract/ are the source of truth; these mirror them.
 */

export type JobState = "created" | "running" | "paused" | "completed" | "failed" | "cancelled";
export type JobAction = "pause" | "resume" | "cancel" | "restart";

export const JOB_STATES: readonly JobState[] = [
  "created",
  "running",
  "paused",
  "completed",
  "failed",
  "cancelled",
];
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(["completed", "failed", "cancelled"]);

/** Who last paused, resumed, cancelled or restarted a job, why and when. */
export interface ControlNote {
  action: JobAction;
  by?: string | null;
  reason?: string | null;
  at: string;
}

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

export type EventType =
  | "job.created"
  | "job.started"
  | "job.progress"
  | "job.checkpoint"
  | "job.log"
  | "job.chunk"
  | "job.paused"
  | "job.resumed"
  | "job.recovered"
  | "job.completed"
  | "job.failed"
  | "job.cancelled"
  | "job.snapshot";

export interface CheckpointSummary {
  phase: string;
  position: string;
  size_bytes: number;
  taken_at: string;
}

export interface JobError {
  type: string;
  message: string;
  retryable?: boolean;
  phase?: string | null;
  /** Attempts of the phase before it failed for good (absent in older records: one). */
  attempts?: number;
}

/** A job as `GET /api/jobs` lists it: no spec, result or error (those can be large). */
export interface JobSummary {
  schema_version: number;
  job_id: string;
  run_id?: string | null;
  user_id: string;
  type: string;
  state: JobState;
  progress: number;
  step: string;
  phase?: string | null;
  phases: string[];
  allowed_actions: JobAction[];
  paused_by?: string | null;
  restarted_from?: string | null;
  last_control?: ControlNote | null;
  created_at: string;
  started_at?: string | null;
  updated_at: string;
  finished_at?: string | null;
  /** The schedule that started this job, if one did. */
  schedule_id?: string | null;
  name?: string | null;
  tags?: string[];
  /** One line the job type derives from the spec ("buy 1200 ACME by VWAP in 12 slices"). */
  summary?: string;
  /** 1 runs first, 5 last (Temporal's task-queue priority); absent in records from before. */
  priority?: number;
  /** The job and phase this one was forked from (`POST /api/jobs/{id}/fork`). */
  forked_from?: ForkOrigin | null;
  /** The seq the record is current at, where the server says (docs/protocol.md, rule 8). */
  seq?: number | null;
}

export interface ForkOrigin {
  job_id: string;
  phase: string;
}

/** The body of `POST /api/jobs/{id}/fork`. */
export interface ForkRequest {
  from_phase: string;
  from_checkpoint?: boolean;
  spec?: Record<string, unknown>;
}

export type BulkOutcome = "done" | "not_allowed" | "not_found" | "no_worker";

/** `POST /api/jobs/actions`: what became of each job. */
export interface BulkResult {
  action: JobAction;
  results: Array<{ job_id: string; outcome: BulkOutcome; state?: string | null; detail?: string | null; new_job_id?: string | null }>;
  more: boolean;
}

/** The full record `GET /api/jobs/{id}` and every control return. */
export interface JobRecord extends JobSummary {
  spec: Record<string, unknown>;
  checkpoint: CheckpointSummary | null;
  attempt: number;
  result: Record<string, unknown> | null;
  error: JobError | null;
  /** Since when its next task waits for a worker to take it (none polls, or all are busy). */
  waiting_for_worker_since?: string | null;
  /** When the running phase last heartbeated, as Temporal saw it. */
  last_heartbeat_at?: string | null;
}

export interface JobEvent {
  schema_version: number;
  job_id: string;
  user_id: string;
  seq: number;
  type: EventType;
  ts: string;
  state: JobState;
  progress: number;
  step: string;
  data: Record<string, unknown>;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Where a job whose spec names no webhook delivers: `GET /api/me/webhook`. */
export interface DefaultWebhook {
  webhook: { url: string; events: "terminal" | "state_changes" } | null;
  /** `user`: set by the caller; `operator`: the server's default for them; null: none. */
  source: "user" | "operator" | null;
}

/** The caller's webhook signing key: `GET /api/me/webhook-secret`. */
export interface WebhookSecret {
  user_id: string;
  secret: string;
  signature_header: string;
  delivery_header: string;
}

/** RFC 9457 problem details, as every error answer of the API carries. */
export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldProblem[];
  state?: JobState;
}

export interface JobPage {
  items: JobSummary[];
  next_cursor: string | null;
}

export interface JobStats {
  total: number;
  by_state: Partial<Record<JobState, number>>;
  by_type: Record<string, number>;
}

export interface EventPage {
  events: JobEvent[];
  last_seq: number;
}

export interface JobTypeInfo {
  type: string;
  description: string;
  phases: string[];
  schema: JsonSchema;
  example?: Record<string, unknown>;
}

export interface Meta {
  version: string;
  temporal_ui_url: string | null;
  temporal_namespace: string;
  socketio_path: string;
  socketio_namespace: string;
  /** Whether any worker polls the task queue; absent from older servers, null when unknown. */
  workers?: WorkerStatus | null;
}

export interface WorkerStatus {
  polling: boolean;
  last_seen: string | null;
  message: string | null;
}

export interface SubscribeAck {
  ok: boolean;
  job?: JobRecord;
  last_seq?: number;
  error?: Problem;
}

/** The subset of JSON Schema (as pydantic v2 emits it) that the form generator understands. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  examples?: unknown[];
}

export type Overlap = "skip" | "buffer_one" | "buffer_all" | "cancel_other" | "terminate_other" | "allow_all";

/** One job a schedule started. */
export interface ScheduleRun {
  job_id: string;
  scheduled_at: string;
  started_at: string | null;
}

/** A schedule as `GET /api/schedules/{id}` answers it. */
export interface ScheduleRecord {
  schedule_id: string;
  user_id: string;
  type: string;
  spec: Record<string, unknown>;
  cron: string | null;
  interval_seconds: number | null;
  time_zone: string;
  overlap: Overlap;
  note: string | null;
  paused: boolean;
  state_note: string | null;
  next_runs: string[];
  /** Oldest first. */
  recent_runs: ScheduleRun[];
  running_jobs: string[];
  runs: number;
  created_at: string;
  updated_at: string | null;
}

export interface SchedulePage {
  items: ScheduleRecord[];
}

export type ScheduleAction = "pause" | "unpause" | "trigger";
