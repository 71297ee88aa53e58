/**
 * The job list: the user's jobs newest first, a search box (name prefix, `tag:x`) and filters
 * on state and type kept in the URL, cursor pagination, ticked rows for bulk actions, and
 * rows that follow the user room's events live: a new job's row is built from its
 * `job.created` event and every later event moves its row, so nothing is fetched again.
 */

import { ApiError } from "../api";
import type { AppContext, Unmount } from "../context";
import { markDeleted, withoutDeleted } from "../deleted";
import { h } from "../dom";
import { dateTime, pct, shortId } from "../format";
import { jobHref, jobsHref } from "../router";
import { apiFilter, type ListFilters, matches, parseSearch } from "../search";
import { isTerminal, JOB_STATES, type JobEvent, type JobState, type JobSummary } from "../types";
import { bulkBar } from "./bulkBar";
import { notice, progressBar, setProgress, stateBadge } from "./widgets";

const PAGE_SIZE = 20;

interface Row {
  tr: HTMLTableRowElement;
  state: HTMLElement;
  bar: HTMLElement;
  pct: HTMLElement;
  step: HTMLElement;
  tick: HTMLInputElement;
  lastSeq: number;
}

/** A list row for a job the list learns of from its `job.created` event. */
export function summaryFromCreated(event: JobEvent): JobSummary {
  const data = event.data;
  const spec = data["spec"] as { type?: string } | undefined;
  return {
    schema_version: event.schema_version,
    job_id: event.job_id,
    user_id: event.user_id,
    type: spec?.type ?? "",
    state: event.state,
    progress: event.progress,
    step: event.step ?? "",
    phases: [],
    allowed_actions: [],
    created_at: event.ts,
    updated_at: event.ts,
    name: typeof data["name"] === "string" ? data["name"] : null,
    tags: Array.isArray(data["tags"]) ? (data["tags"] as string[]) : [],
    summary: typeof data["summary"] === "string" ? data["summary"] : "",
  };
}

export function mountJobList(main: HTMLElement, ctx: AppContext, filters: ListFilters): Unmount {
  const stateSelect = h(
    "select",
    { id: "filter-state", name: "state" },
    h("option", { value: "" }, "any state"),
    ...JOB_STATES.map((s) => h("option", { value: s, selected: s === filters.state }, s)),
  );
  const typeSelect = h("select", { id: "filter-type", name: "type" }, h("option", { value: "" }, "any type"));
  if (filters.type) typeSelect.append(h("option", { value: filters.type, selected: true }, filters.type));
  void ctx.jobTypes().then((types) => {
    for (const t of types) {
      if (t.type !== filters.type) typeSelect.append(h("option", { value: t.type }, t.type));
    }
  }, () => undefined);
  const search = h("input", {
    id: "job-search",
    name: "q",
    type: "search",
    value: filters.q,
    placeholder: "name, or tag:nightly",
    maxlength: 400,
  });
  const applyFilters = () => ctx.navigate(jobsHref(stateSelect.value, typeSelect.value, search.value));
  stateSelect.addEventListener("change", applyFilters);
  typeSelect.addEventListener("change", applyFilters);
  const selectAll = h("input", { type: "checkbox", "aria-label": "Select every job on this page" });

  const tbody = h("tbody", {});
  const bulk = bulkBar(ctx.api, () => apiFilter(filters), () => undefined);
  const status = h("div", { "aria-live": "polite" });
  const prev = h("button", { type: "button", disabled: true }, "← Newer");
  const next = h("button", { type: "button", disabled: true }, "Older →");
  const pageLabel = h("span", { class: "muted num" }, "page 1");
  main.replaceChildren(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, "Jobs"),
      h("a", { class: "button primary", href: "#/submit" }, "New job"),
    ),
    h(
      "form",
      {
        class: "filters",
        role: "search",
        "aria-label": "Filter jobs",
        onsubmit: (e: Event) => {
          e.preventDefault();
          applyFilters();
        },
      },
      h("label", { for: "job-search" }, "Search"),
      search,
      h("label", { for: "filter-state" }, "State"),
      stateSelect,
      h("label", { for: "filter-type" }, "Type"),
      typeSelect,
    ),
    status,
    bulk.el,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "jobs", "data-testid": "job-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", class: "col-tick" }, selectAll),
            h("th", { scope: "col" }, "Job"),
            h("th", { scope: "col" }, "Type"),
            h("th", { scope: "col" }, "State"),
            h("th", { scope: "col", class: "col-progress" }, "Progress"),
            h("th", { scope: "col", class: "col-step" }, "Step"),
            h("th", { scope: "col", class: "col-created" }, "Created"),
            h("th", { scope: "col" }, "Actions"),
          ),
        ),
        tbody,
      ),
    ),
    h("nav", { class: "pager", "aria-label": "Pages" }, prev, pageLabel, next),
  );

  const rows = new Map<string, Row>();
  const ticked = () => [...rows.entries()].filter(([, row]) => row.tick.checked).map(([id]) => id);
  selectAll.addEventListener("change", () => {
    for (const row of rows.values()) row.tick.checked = selectAll.checked;
    bulk.update(ticked());
  });
  const cursors: Array<string | null> = [null];
  let page = 0;
  let nextCursor: string | null = null;
  let alive = true;

  const rowFor = (job: JobSummary): HTMLTableRowElement => {
    const state = h("span", {}, stateBadge(job.state));
    const bar = progressBar(job.progress, `Progress of ${job.job_id}`);
    const pctEl = h("span", { class: "num pct" }, pct(job.progress));
    const step = h("span", {}, job.step);
    const tick = h("input", { type: "checkbox", "aria-label": `Select ${job.name || job.job_id}` });
    tick.addEventListener("change", () => bulk.update(ticked()));
    const tr = h(
      "tr",
      { "data-job-id": job.job_id },
      h("td", { class: "col-tick" }, tick),
      h(
        "td",
        {},
        h("a", { href: jobHref(job.job_id), class: "mono", title: job.job_id }, shortId(job.job_id)),
        h("div", { class: "job-name" }, job.name || job.summary || ""),
        ...(job.tags ?? []).map((tag) => h("span", { class: "tag", "data-tag": tag }, tag)),
      ),
      h("td", {}, job.type),
      h("td", {}, state),
      h("td", { class: "col-progress" }, h("span", { class: "progress-cell" }, bar, pctEl)),
      h("td", { class: "col-step" }, step),
      h("td", { class: "col-created num" }, dateTime(job.created_at)),
      h("td", {}, isTerminal(job.state) ? deleteButton(job.job_id) : null),
    );
    rows.set(job.job_id, { tr, state, bar, pct: pctEl, step, tick, lastSeq: -1 });
    return tr;
  };

  const deleteButton = (jobId: string): HTMLButtonElement => {
    const button = h("button", { type: "button", class: "danger", "data-action": "delete", "aria-label": `Delete ${jobId}` }, "Delete");
    button.addEventListener("click", () => {
      if (!window.confirm(`Delete job ${jobId} for good? This cannot be undone.`)) return;
      button.disabled = true;
      ctx.api.deleteJob(jobId).then(
        () => {
          markDeleted(jobId);
          rows.get(jobId)?.tr.remove();
          rows.delete(jobId);
        },
        (error: unknown) => {
          button.disabled = false;
          status.replaceChildren(notice("error", `Cannot delete ${jobId}: ${(error as ApiError).message}`));
        },
      );
    });
    return button;
  };

  const load = async () => {
    status.replaceChildren();
    try {
      const { tags, namePrefix } = parseSearch(filters.q);
      const result = await ctx.api.listJobs({
        state: filters.state,
        type: filters.type,
        tags,
        namePrefix,
        limit: PAGE_SIZE,
        cursor: cursors[page],
      });
      if (!alive) return;
      rows.clear();
      selectAll.checked = false;
      bulk.update([]);
      tbody.replaceChildren(...withoutDeleted(result.items).map(rowFor));
      if (result.items.length === 0) {
        tbody.append(
          h(
            "tr",
            {},
            h("td", { colspan: 8, class: "muted" }, "No jobs here yet. ", h("a", { href: "#/submit" }, "Submit one"), "."),
          ),
        );
      }
      nextCursor = result.next_cursor;
      next.disabled = !nextCursor;
      prev.disabled = page === 0;
      pageLabel.textContent = `page ${page + 1}`;
    } catch (error) {
      if (!alive) return;
      status.replaceChildren(notice("error", `Cannot list jobs: ${(error as ApiError).message}`));
    }
  };
  next.addEventListener("click", () => {
    if (!nextCursor) return;
    cursors[page + 1] = nextCursor;
    page += 1;
    void load();
  });
  prev.addEventListener("click", () => {
    if (page === 0) return;
    page -= 1;
    void load();
  });

  const offEvent = ctx.feed.onEvent((event: JobEvent) => {
    const row = rows.get(event.job_id);
    if (!row) {
      // A new job of this user belongs at the top of the first page if it passes the filters.
      if (event.type === "job.created" && page === 0) {
        const job = summaryFromCreated(event);
        if (matches(job, filters)) {
          tbody.querySelector("tr:not([data-job-id])")?.remove(); // "No jobs here yet"
          tbody.prepend(rowFor(job));
          rows.get(job.job_id)!.lastSeq = event.seq;
        }
      }
      return;
    }
    if (event.seq <= row.lastSeq) return;
    row.lastSeq = event.seq;
    row.state.replaceChildren(stateBadge(event.state as JobState));
    setProgress(row.bar, event.progress);
    row.pct.textContent = pct(event.progress);
    if (event.step) row.step.textContent = event.step;
  });
  let lastResumes = ctx.feed.connection.resumes;
  const offConnection = ctx.feed.onConnection((c) => {
    if (c.resumes !== lastResumes) {
      lastResumes = c.resumes;
      void load(); // events during the outage are not replayed to the user room
    }
  });

  void load();
  return () => {
    alive = false;
    offEvent();
    offConnection();
  };
}

