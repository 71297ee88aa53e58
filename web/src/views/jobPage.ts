/**
 * The activity panel of one job: progress, step, a timeline of what happened with times,
 * the live log and streamed chunks, the last checkpoint, the result, the controls its state
 * allows, and a link to the same workflow in the Temporal UI. Recovery is shown: a notice
 * when a phase picked up after a crash, and a failed job says what the user can do next.
 */

import { canDelete, canFork, enabledActions, nextStepForFailed } from "../actions";
import { ApiError } from "../api";
import type { AppContext, Unmount } from "../context";
import { markDeleted } from "../deleted";
import { externalLink, h } from "../dom";
import { STATE_CHANGING_EVENTS, type ApplyResult, type JobEventStore } from "../eventStore";
import { Timeline, type TimelineEntry } from "../timeline";
import { describeFailure } from "../failure";
import { bytes, dateTime, pct, priorityText, queueWait, time } from "../format";
import { renderResult } from "../results";
import { jobHref, jobsHref, SCHEDULES_HREF, submitHref, temporalHref } from "../router";
import { isTerminal, type ControlNote, type JobAction, type JobEvent, type JobRecord } from "../types";
import { forkPanel } from "./forkPanel";
import { FoundSourcesLive, SynthesisStream } from "./research";
import { loading, notice, progressBar, setProgress, stateBadge } from "./widgets";

const MAX_LOG_LINES = 500;

export function mountJobPage(main: HTMLElement, ctx: AppContext, jobId: string): Unmount {
  let alive = true;
  let busy: JobAction | null = null;
  main.replaceChildren(loading());

  // ---- skeleton ---------------------------------------------------------------------------
  const title = h("h1", {}, "Job ", h("span", { class: "mono" }, jobId));
  const labelsEl = h("p", { class: "job-labels", "data-testid": "job-labels" });
  const badge = h("span", { "data-testid": "job-state" });
  const temporal = h("span", {});
  const bar = progressBar(0, "Job progress");
  const pctEl = h("span", { class: "num pct big", "data-testid": "job-progress" }, "0.0%");
  const stepEl = h("p", { class: "step", "data-testid": "job-step" });
  const phasesEl = h("ol", { class: "phases", "aria-label": "Phases" });
  const metaEl = h("dl", { class: "facts" });
  const notices = h("div", { class: "notices", "aria-live": "polite", "data-testid": "notices" });
  const buttons = new Map<JobAction, HTMLButtonElement>();
  const controlMsg = h("p", { class: "control-msg", "aria-live": "polite" });
  const controls = h("div", { class: "controls", role: "group", "aria-label": "Job controls" });
  for (const action of ["pause", "resume", "cancel", "restart"] as const) {
    const button = h("button", { type: "button", "data-action": action, disabled: true }, capitalize(action));
    button.addEventListener("click", () => void act(action));
    buttons.set(action, button);
    controls.append(button);
  }
  const deleteButton = h("button", { type: "button", "data-action": "delete", class: "danger", disabled: true }, "Delete");
  deleteButton.addEventListener("click", () => void remove());
  const fork = forkPanel(ctx, jobId);
  controls.append(fork.button, deleteButton);
  const failure = h("section", { class: "failure", hidden: true, "data-testid": "failure" });
  const checkpointEl = h("section", { "aria-label": "Last checkpoint" });
  const timeline = h("ol", { class: "timeline", "data-testid": "timeline" });
  const log = h("ol", { class: "log", "data-testid": "log", "aria-label": "Live log" });
  const chunks = h("pre", { class: "chunks", "data-testid": "chunks", hidden: true });
  const resultEl = h("div", { "data-testid": "result" });
  const synthesis = new SynthesisStream();
  const foundLive = new FoundSourcesLive();

  const page = h(
    "article",
    { class: "job-page", "data-job-id": jobId },
    h("div", { class: "page-head" }, title, badge, temporal),
    labelsEl,
    notices,
    h("div", { class: "progress-row" }, bar, pctEl),
    stepEl,
    phasesEl,
    h("div", { class: "controls-row" }, controls, controlMsg),
    fork.panel,
    failure,
    h("div", { class: "columns" },
      h("section", { class: "panel" }, h("h2", {}, "Timeline"), timeline),
      h("section", { class: "panel" }, h("h2", {}, "Details"), metaEl, checkpointEl),
    ),
    h("section", { class: "panel" }, h("h2", {}, "Live log"), log, chunks),
    foundLive.el,
    synthesis.el,
    resultEl,
  );

  // ---- rendering --------------------------------------------------------------------------
  let store: JobEventStore | null = null;
  let shownRecoveries = new Set<number>();
  const steps = new Timeline();

  const renderRecord = () => {
    const record = store?.record;
    if (!record) return;
    title.replaceChildren(`${capitalize(record.type)} job `, h("span", { class: "mono" }, record.job_id));
    badge.replaceChildren(stateBadge(record.state));
    labelsEl.replaceChildren(
      h("span", { class: "job-name" }, record.name || record.summary || ""),
      ...(record.tags ?? []).map((tag) => h("span", { class: "tag", "data-tag": tag }, tag)),
    );
    const meta = ctx.meta();
    const href = meta ? temporalHref(meta.temporal_ui_url, meta.temporal_namespace, record.job_id) : null;
    temporal.replaceChildren(href ? externalLink(href, "Open in Temporal UI ↗") : "");
    setProgress(bar, record.progress);
    pctEl.textContent = pct(record.progress);
    stepEl.textContent = record.state === "paused" ? `Paused${record.paused_by === "temporal" ? " in Temporal" : ""}: ${record.step || "—"}` : record.step || "—";
    renderPhases(record);
    renderFacts(record);
    renderCheckpoint(record);
    renderButtons(record);
    renderFailure(record);
    synthesis.finish(record.state === "completed" && !!record.result);
    foundLive.finish(record.state === "completed" && !!record.result);
    renderResultOnce(record);
  };

  // A completed job's result never changes: drawn once, so a chart being read is not thrown
  // away and redrawn under the pointer each time the record is rendered again.
  let shownResult = "null";
  const renderResultOnce = (record: JobRecord) => {
    const result = record.result && record.state === "completed" ? record.result : null;
    const key = JSON.stringify(result);
    if (key === shownResult) return;
    shownResult = key;
    resultEl.replaceChildren(...(result ? [h("h2", {}, "Result"), renderResult(record.type, result)] : []));
  };

  const renderPhases = (record: JobRecord) => {
    const current = record.phase ? record.phases.indexOf(record.phase) : -1;
    phasesEl.replaceChildren(
      ...record.phases.map((phase, i) => {
        const status = record.state === "completed" || i < current ? "done" : i === current ? "current" : "pending";
        return h("li", { class: `phase phase-${status}`, "aria-current": status === "current" ? "step" : null }, phase);
      }),
    );
  };

  const renderFacts = (record: JobRecord) => {
    const received = store?.events.length ?? 0;
    const rows: Array<[string, Node | string, string]> = [
      ["Created", dateTime(record.created_at), "job-created"],
      ["Started", dateTime(record.started_at), "job-started"],
      ["Updated", dateTime(record.updated_at), "job-updated"],
      ["Finished", dateTime(record.finished_at), "job-finished"],
      ["Priority", priorityText(record.priority), "job-priority"],
      ["Attempt", String(record.attempt), "job-attempt"],
      ["Phase", record.phase ?? "—", "job-phase"],
      // What the live feed brought: a user sees at a glance that nothing went missing.
      ["Events", received ? `${received} received, last #${store?.lastSeq ?? 0}` : "none yet", "event-count"],
    ];
    if (record.waiting_for_worker_since && !isTerminal(record.state)) rows.push(["Queue wait", queueWait(record.waiting_for_worker_since), "job-queue-wait"]);
    if (record.last_heartbeat_at && record.state === "running") rows.push(["Last heartbeat", dateTime(record.last_heartbeat_at), "job-last-heartbeat"]);
    if (record.last_control) rows.push(["Last control", controlText(record.last_control), "job-last-control"]);
    if (record.schedule_id) rows.push(["From schedule", h("a", { href: SCHEDULES_HREF, class: "mono" }, record.schedule_id), "job-schedule"]);
    if (record.restarted_from) rows.push(["Restarted from", h("a", { href: jobHref(record.restarted_from), class: "mono" }, record.restarted_from), "job-restarted-from"]);
    if (record.forked_from) rows.push(["Forked from", h("span", {}, h("a", { href: jobHref(record.forked_from.job_id), class: "mono" }, record.forked_from.job_id), ` at ${record.forked_from.phase}`), "job-forked-from"]);
    metaEl.replaceChildren(...rows.flatMap(([k, v, id]) => [h("dt", {}, k), h("dd", { class: "num", "data-testid": id }, v)]));
  };

  const renderCheckpoint = (record: JobRecord) => {
    const c = record.checkpoint;
    checkpointEl.replaceChildren(
      h("h3", {}, "Last checkpoint"),
      c
        ? h("p", { "data-testid": "checkpoint" }, `${c.phase}: ${c.position}`, h("br", {}), h("span", { class: "muted num" }, `${bytes(c.size_bytes)}, taken ${dateTime(c.taken_at)}`))
        : h("p", { class: "muted", "data-testid": "checkpoint" }, isTerminal(record.state) ? "none kept: the job has ended" : "none yet"),
    );
  };

  const renderButtons = (record: JobRecord) => {
    const enabled = enabledActions(record, store?.actionsState ?? null, busy);
    for (const [action, button] of buttons) {
      button.disabled = !enabled.has(action);
      button.setAttribute("aria-busy", busy === action ? "true" : "false");
    }
    deleteButton.disabled = !canDelete(record.state, busy !== null);
    fork.render(record, canFork(record.state, busy !== null));
  };

  const renderFailure = (record: JobRecord) => {
    failure.hidden = record.state !== "failed";
    if (failure.hidden) return;
    const next = nextStepForFailed(record, enabledActions(record, store?.actionsState ?? null));
    const failed = describeFailure(record.error);
    const what =
      next === "resume"
        ? [
            `It can resume from its last checkpoint (${record.checkpoint ? `${record.checkpoint.phase}: ${record.checkpoint.position}` : "kept by Temporal"}). `,
            h("button", { type: "button", class: "primary", "data-next": "resume", onclick: () => void act("resume") }, "Resume from checkpoint"),
            " or ",
            h("a", { href: submitHref(record.type, record.job_id) }, "restart with the spec prefilled"),
          ]
        : [
            "It left no checkpoint to resume from: restart it. ",
            h("a", { class: "button primary", "data-next": "restart", href: submitHref(record.type, record.job_id) }, "Restart with the spec prefilled"),
          ];
    failure.replaceChildren(
      h("h2", {}, "This job failed"),
      h("p", { role: "alert" }, h("strong", {}, failed.headline)),
      h("p", { "data-testid": "failure-attempts" }, failed.detail),
      h("p", {}, ...what),
    );
  };

  const addEvents = (events: JobEvent[]) => {
    for (const entry of steps.add(events)) timeline.append(timelineItem(entry));
    for (const event of events) {
      foundLive.add(event);
      if (event.type === "job.log") {
        const level = String(event.data["level"] ?? "info");
        log.append(h("li", { class: `log-${level}`, "data-seq": event.seq }, h("time", { class: "num" }, time(event.ts)), " ", h("span", { class: "level" }, level), " ", h("span", { class: "message" }, String(event.data["message"] ?? ""))));
        while (log.childElementCount > MAX_LOG_LINES) log.firstElementChild?.remove();
        log.scrollTop = log.scrollHeight;
      }
      if (event.type === "job.chunk" && !synthesis.add(event)) {
        chunks.hidden = false;
        chunks.append(String(event.data["text"] ?? ""));
      }
      if (event.type === "job.recovered" && !shownRecoveries.has(event.seq)) {
        shownRecoveries.add(event.seq);
        notices.append(recoveredNotice(event));
      }
    }
  };

  const addLost = (lost: Array<[number, number]>) => {
    for (const [from, to] of lost) {
      timeline.append(h("li", { class: "lost" }, `events ${from}–${to} expired from the live feed before they could be shown`));
    }
  };

  // ---- data -------------------------------------------------------------------------------
  let refetchTimer: ReturnType<typeof setTimeout> | undefined;
  const refetch = () => {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(async () => {
      try {
        const record = await ctx.api.job(jobId);
        if (!alive || !store) return;
        store.setRecord(record, record.seq ?? null);
        renderRecord();
      } catch {
        /* the feed keeps the page current; the next state change tries again */
      }
    }, 150);
  };

  const onStore = (s: JobEventStore, result: ApplyResult) => {
    if (!alive) return;
    if (main.firstElementChild !== page) main.replaceChildren(page);
    addEvents(result.applied);
    addLost(result.lost);
    renderRecord();
    if (result.applied.some((e) => STATE_CHANGING_EVENTS.has(e.type))) {
      if (!busy) controlMsg.textContent = "";
      refetch();
    }
    void s;
  };

  const notFound = (message: string) => {
    main.replaceChildren(
      h("h1", {}, "Job not found"),
      notice("error", message),
      h("p", {}, h("a", { href: "#/jobs" }, "Back to your jobs")),
    );
  };

  const followed = ctx.feed.follow(jobId, onStore, (error) => {
    if (!alive) return;
    if (error.problem.status === 404) notFound(`There is no job ${jobId} among yours.`);
    else notices.append(notice("error", `Live updates refused: ${error.message}`));
  });
  store = followed.store;
  // A reconnect's subscribe ack brings the record again, but an event published while Redis
  // was down (a completion, say) is dropped, not replayed: read the record once the feed is
  // live again.
  let lastResumes = ctx.feed.connection.resumes;
  const offConnection = ctx.feed.onConnection((c) => {
    if (c.resumes === lastResumes) return;
    lastResumes = c.resumes;
    refetch();
  });

  // The record from REST shows the page at once; the subscription then replays its events.
  void ctx.api.job(jobId).then(
    (record) => {
      if (!alive || !store) return;
      if (!store.record) store.setRecord(record, record.seq ?? null);
      main.replaceChildren(page);
      renderRecord();
    },
    (error: ApiError) => {
      if (!alive) return;
      if (error.status === 404) notFound(`There is no job ${jobId} among yours.`);
      // A page the feed already shows stays: its subscription keeps it current, and a
      // reconnect reads the record again (this read failed while the API restarted).
      else if (!store?.record) main.replaceChildren(notice("error", `Cannot load the job: ${error.message}`));
    },
  );
  if (store.record) {
    main.replaceChildren(page);
    addEvents(store.events);
    renderRecord();
  }

  // ---- controls ---------------------------------------------------------------------------
  async function act(action: JobAction): Promise<void> {
    if (!store?.record || busy) return;
    busy = action;
    controlMsg.textContent = `${capitalize(action)}…`;
    renderRecord();
    try {
      const record = await ctx.api.control(jobId, action);
      if (!alive) return;
      if (action === "restart" && record.job_id !== jobId) {
        ctx.navigate(jobHref(record.job_id));
        return;
      }
      store.setRecord(record, record.seq ?? null);
      controlMsg.textContent = `${capitalize(action)} accepted: the job is ${record.state}.`;
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : { title: String(error), status: 0 };
      controlMsg.textContent =
        problem.status === 409
          ? `Cannot ${action}: the job is ${problem.state ?? "in another state"} now.`
          : `${capitalize(action)} failed: ${problem.detail || problem.title}`;
      refetch();
    } finally {
      busy = null;
      if (alive) renderRecord();
    }
  }

  /** Deletes the ended job once the user confirms, then shows the list it has left. */
  async function remove(): Promise<void> {
    if (!store?.record || busy || !window.confirm(`Delete job ${jobId} for good? This cannot be undone.`)) return;
    deleteButton.disabled = true;
    try {
      await ctx.api.deleteJob(jobId);
      markDeleted(jobId);
      if (alive) ctx.navigate(jobsHref());
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : { title: String(error), status: 0 };
      controlMsg.textContent = `Delete failed: ${problem.detail || problem.title}`;
      if (alive) renderRecord();
    }
  }

  return () => {
    alive = false;
    clearTimeout(refetchTimer);
    offConnection();
    followed.unfollow();
    shownRecoveries = new Set();
  };
}

function timelineItem(entry: TimelineEntry): HTMLElement {
  const event = entry.event;
  if (entry.kind === "phase") {
    return h(
      "li",
      { class: "tl tl-phase", "data-seq": event.seq },
      h("time", { class: "num", datetime: event.ts }, time(event.ts)),
      " ",
      h("span", { class: "tl-what" }, `phase ${entry.phase}`),
      event.step ? h("span", { class: "muted" }, ` · ${event.step}`) : null,
      h("span", { class: "num muted tl-pct" }, ` ${pct(event.progress)}`),
    );
  }
  const label: Record<string, string> = {
    "job.created": "created",
    "job.started": "started",
    "job.paused": "paused",
    "job.resumed": "resumed",
    "job.recovered": "recovered after a crash",
    "job.completed": "completed",
    "job.failed": "failed",
    "job.cancelled": "cancelled",
    "job.snapshot": "state read from Temporal (older events expired)",
  };
  return h(
    "li",
    { class: `tl tl-${event.type.replace("job.", "")}`, "data-seq": event.seq },
    h("time", { class: "num", datetime: event.ts }, time(event.ts)),
    " ",
    h("span", { class: "tl-what" }, label[event.type] ?? event.type),
    entry.audit ? h("span", { class: "tl-by", "data-testid": "tl-by" }, ` by ${entry.audit.by}${entry.audit.reason ? `: ${entry.audit.reason}` : ""}`) : null,
    event.step ? h("span", { class: "muted" }, ` · ${event.step}`) : null,
    h("span", { class: "num muted tl-pct" }, ` ${pct(event.progress)}`),
  );
}

function recoveredNotice(event: JobEvent): HTMLElement {
  const data = event.data;
  const checkpoint = data["checkpoint"] as { position?: string; phase?: string } | null | undefined;
  const from = checkpoint?.position ? `from checkpoint "${checkpoint.position}"` : "with no checkpoint, from the start of the phase";
  const redo = typeof data["redo"] === "string" ? ` ${data["redo"]}.` : "";
  return notice(
    "warn",
    h("strong", {}, "Recovered: "),
    `phase ${String(data["phase"] ?? "?")} picked up after a crash or timeout on attempt ${String(data["attempt"] ?? "?")}, ${from}.${redo}`,
  );
}

function controlText(note: ControlNote): string {
  const why = note.reason ? `: ${note.reason}` : "";
  return `${note.action} by ${note.by ?? "jobwire"} at ${dateTime(note.at)}${why}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
