/** Hash routes: `#/jobs?state=running`, `#/jobs/<id>`, `#/submit/<type>`, `#/schedules`,
 * `#/schedules/new/<type>`, `#/schedules/<id>` (its form), `#/settings`, `#/signin`. */

export type Route =
  | { page: "jobs"; state: string; type: string; q: string }
  | { page: "job"; jobId: string }
  | { page: "submit"; type: string | null; from: string | null }
  | { page: "schedules" }
  | { page: "schedule"; scheduleId: string | null; type: string | null }
  | { page: "settings" }
  | { page: "signin" }
  | { page: "notfound"; path: string };

export function parseRoute(hash: string): Route {
  const body = hash.replace(/^#/, "") || "/jobs";
  const [path, query = ""] = body.split("?", 2);
  const params = new URLSearchParams(query);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts[0] === "jobs" && parts.length === 1)) {
    return {
      page: "jobs",
      state: params.get("state") ?? "",
      type: params.get("type") ?? "",
      q: params.get("q") ?? "",
    };
  }
  if (parts[0] === "jobs" && parts.length === 2) return { page: "job", jobId: parts[1] };
  if (parts[0] === "submit") {
    return { page: "submit", type: parts[1] ?? null, from: params.get("from") };
  }
  if (parts[0] === "schedules" && parts.length === 1) return { page: "schedules" };
  if (parts[0] === "schedules" && parts[1] === "new" && parts.length <= 3) {
    return { page: "schedule", scheduleId: null, type: parts[2] ?? null };
  }
  if (parts[0] === "schedules" && parts.length === 2) return { page: "schedule", scheduleId: parts[1], type: null };
  if (parts[0] === "signin") return { page: "signin" };
  if (parts[0] === "settings" && parts.length === 1) return { page: "settings" };
  return { page: "notfound", path };
}

export function jobsHref(state = "", type = "", q = ""): string {
  const params = new URLSearchParams();
  if (state) params.set("state", state);
  if (type) params.set("type", type);
  if (q.trim()) params.set("q", q.trim());
  const qs = params.toString();
  return `#/jobs${qs ? `?${qs}` : ""}`;
}

export function jobHref(jobId: string): string {
  return `#/jobs/${encodeURIComponent(jobId)}`;
}

export const SCHEDULES_HREF = "#/schedules";
export const SETTINGS_HREF = "#/settings";

/** The form of a new schedule (of `type`, once chosen), or of the schedule `scheduleId`. */
export function scheduleFormHref(target: { type?: string; scheduleId?: string }): string {
  if (target.scheduleId) return `${SCHEDULES_HREF}/${encodeURIComponent(target.scheduleId)}`;
  return `${SCHEDULES_HREF}/new${target.type ? `/${encodeURIComponent(target.type)}` : ""}`;
}

export function submitHref(type: string, from?: string): string {
  return `#/submit/${encodeURIComponent(type)}${from ? `?from=${encodeURIComponent(from)}` : ""}`;
}

/** The Temporal UI page of a job's workflow, from `GET /api/meta`. */
export function temporalHref(uiUrl: string | null, namespace: string, jobId: string): string | null {
  if (!uiUrl) return null;
  return `${uiUrl.replace(/\/+$/, "")}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(jobId)}`;
}
