/**
 * The REST calls the console makes (docs/protocol.md), with the bearer token on each.
 * Every failure becomes an `ApiError` carrying the RFC 9457 problem details.
 */

import type {
  BulkResult,
  DefaultWebhook,
  EventPage,
  JobAction,
  JobEvent,
  JobPage,
  JobRecord,
  JobStats,
  JobTypeInfo,
  JsonSchema,
  Meta,
  Problem,
  ForkRequest,
  ScheduleAction,
  SchedulePage,
  ScheduleRecord,
  WebhookSecret,
} from "./types";

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
}

export interface ListQuery {
  state?: string;
  type?: string;
  tags?: string[];
  namePrefix?: string;
  limit?: number;
  cursor?: string | null;
}

type Fetch = typeof fetch;

export class Api {
  constructor(
    private readonly token: () => string | null,
    private readonly onUnauthorized: () => void = () => undefined,
    private readonly base = "",
    private readonly fetcher: Fetch = (...args) => fetch(...args),
  ) {}

  meta(): Promise<Meta> {
    return this.request("GET", "/api/meta");
  }

  jobTypes(): Promise<JobTypeInfo[]> {
    return this.request("GET", "/api/job-types");
  }

  listJobs(query: ListQuery = {}): Promise<JobPage> {
    const params = new URLSearchParams();
    if (query.state) params.set("state", query.state);
    if (query.type) params.set("type", query.type);
    for (const tag of query.tags ?? []) params.append("tag", tag);
    if (query.namePrefix) params.set("name_prefix", query.namePrefix);
    if (query.limit) params.set("limit", String(query.limit));
    if (query.cursor) params.set("cursor", query.cursor);
    const qs = params.toString();
    return this.request("GET", `/api/jobs${qs ? `?${qs}` : ""}`);
  }

  /** One action on many jobs, by ids or by the list's filter; answered per job. */
  bulk(action: JobAction, jobs: { ids: string[] } | { filter: Record<string, unknown> }): Promise<BulkResult> {
    return this.request("POST", "/api/jobs/actions", { action, ...jobs });
  }

  stats(): Promise<JobStats> {
    return this.request("GET", "/api/jobs/stats");
  }

  job(jobId: string): Promise<JobRecord> {
    return this.request("GET", `/api/jobs/${encodeURIComponent(jobId)}`);
  }

  events(jobId: string, since: number): Promise<EventPage> {
    return this.request("GET", `/api/jobs/${encodeURIComponent(jobId)}/events?since=${since}`);
  }

  /**
   * Every event after `since` the server still holds, reading page after page until the
   * `last_seq` it reported (or a snapshot that stands in for expired events).
   */
  async history(jobId: string, since: number): Promise<JobEvent[]> {
    const out: JobEvent[] = [];
    let after = since;
    for (;;) {
      const page = await this.events(jobId, after);
      out.push(...page.events);
      const last = page.events.at(-1);
      if (!last || last.type === "job.snapshot" || last.seq >= page.last_seq || last.seq <= after) return out;
      after = last.seq;
    }
  }

  submit(spec: Record<string, unknown>, idempotencyKey?: string): Promise<JobRecord> {
    const headers: Record<string, string> = {};
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    return this.request("POST", "/api/jobs", spec, headers);
  }

  control(jobId: string, action: JobAction, spec?: Record<string, unknown>): Promise<JobRecord> {
    const body = action === "restart" && spec ? { spec } : undefined;
    return this.request("POST", `/api/jobs/${encodeURIComponent(jobId)}/${action}`, body);
  }

  /** Starts a new job that reuses the ended job's outputs of the phases before `from_phase`. */
  fork(jobId: string, request: ForkRequest): Promise<JobRecord> {
    return this.request("POST", `/api/jobs/${encodeURIComponent(jobId)}/fork`, request);
  }

  /** Deletes the job for good; a running one answers 409 unless `force`. */
  async deleteJob(jobId: string, force = false): Promise<void> {
    const query = force ? "?force=true" : "";
    await this.request<null>("DELETE", `/api/jobs/${encodeURIComponent(jobId)}${query}`);
  }

  /** The API's OpenAPI document: the schedule form takes its timetable fields from it. */
  openapi(): Promise<JsonSchema> {
    return this.request("GET", "/openapi.json");
  }

  schedule(scheduleId: string): Promise<ScheduleRecord> {
    return this.request("GET", `/api/schedules/${encodeURIComponent(scheduleId)}`);
  }

  createSchedule(body: Record<string, unknown>): Promise<ScheduleRecord> {
    return this.request("POST", "/api/schedules", body);
  }

  /** Changes the fields `body` gives; the others stay. */
  updateSchedule(scheduleId: string, body: Record<string, unknown>): Promise<ScheduleRecord> {
    return this.request("PATCH", `/api/schedules/${encodeURIComponent(scheduleId)}`, body);
  }

  /** The caller's default webhook and who set it. */
  defaultWebhook(): Promise<DefaultWebhook> {
    return this.request("GET", "/api/me/webhook");
  }

  setDefaultWebhook(webhook: Record<string, unknown>): Promise<DefaultWebhook> {
    return this.request("PUT", "/api/me/webhook", webhook);
  }

  async clearDefaultWebhook(): Promise<void> {
    await this.request<null>("DELETE", "/api/me/webhook");
  }

  webhookSecret(): Promise<WebhookSecret> {
    return this.request("GET", "/api/me/webhook-secret");
  }

  listSchedules(): Promise<SchedulePage> {
    return this.request("GET", "/api/schedules");
  }

  /** Pause, unpause or trigger a run now; answers the schedule as it stands after. */
  scheduleAction(scheduleId: string, action: ScheduleAction): Promise<ScheduleRecord> {
    return this.request("POST", `/api/schedules/${encodeURIComponent(scheduleId)}/${action}`);
  }

  /** Deletes the schedule; the jobs it started stay. */
  async deleteSchedule(scheduleId: string): Promise<void> {
    await this.request<null>("DELETE", `/api/schedules/${encodeURIComponent(scheduleId)}`);
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const token = this.token();
    const init: RequestInit = {
      method,
      headers: {
        Accept: "application/json, application/problem+json",
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        ...headers,
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    };
    let response: Response;
    try {
      response = await this.fetcher(`${this.base}${path}`, init);
    } catch (error) {
      throw new ApiError({ title: "Server unreachable", status: 0, detail: String(error) });
    }
    const text = await response.text();
    let data: unknown = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) {
      if (response.status === 401) this.onUnauthorized();
      const problem =
        data && typeof data === "object"
          ? ({ status: response.status, title: response.statusText, ...(data as object) } as Problem)
          : { status: response.status, title: response.statusText || "Error", detail: text.slice(0, 200) };
      const retryAfter = response.headers.get("Retry-After");
      if (response.status === 429 && retryAfter && !problem.detail) {
        problem.detail = `rate limited; try again in ${retryAfter} s`;
      }
      throw new ApiError(problem);
    }
    return data as T;
  }
}
