/**
 * The status bar on every page: connection state, the user's running and paused jobs, and
 * the progress of the most recent active one. It follows the user room through the feed's
 * event listeners, so it subscribes to no job.
 */

import { CONNECTION_LABELS } from "../connection";
import type { AppContext } from "../context";
import { h } from "../dom";
import { pct, shortId } from "../format";
import { jobHref } from "../router";
import { StatusModel } from "../statusModel";
import type { JobState } from "../types";
import { progressBar, setProgress } from "./widgets";

/** How often the bar asks `GET /api/meta` whether workers are running. The server caches
 * its own look (2 s by default) and a dead worker's presence lapses within its TTL (6 s), so
 * this keeps "no worker" on screen within 10 s of the last worker's death at one cheap
 * request per interval. */
export const WORKER_POLL_MS = 2_000;

/** The states whose jobs the bar lists to seed its counts and its most recent active job. */
const ACTIVE_STATES: readonly JobState[] = ["running", "paused", "created"];
/** Jobs listed per active state; a state with more is counted from `GET /api/jobs/stats`. */
const ACTIVE_LIST_LIMIT = 50;

export function mountStatusBar(root: HTMLElement, ctx: AppContext): () => void {
  const model = new StatusModel();
  model.setWorkers(ctx.meta()?.workers);
  const workerWarning = h("span", { class: "worker-warning", role: "status", "data-testid": "worker-warning" }, "");
  const dot = h("span", { class: "dot", "aria-hidden": "true" });
  const connection = h("span", { class: "conn-label" }, "connecting");
  const running = h("span", { class: "num count" }, "0");
  const paused = h("span", { class: "num count" }, "0");
  const latestLink = h("a", { class: "latest-link", href: "#/jobs" }, "no active job");
  const latestBar = progressBar(0, "Most recent active job");
  const latestPct = h("span", { class: "num pct" }, "");
  const latestStep = h("span", { class: "latest-step muted" }, "");
  const conn = h("span", { class: "conn conn-connecting", "data-testid": "connection" }, dot, connection);
  root.replaceChildren(
    conn,
    h(
      "span",
      { class: "counts" },
      h("a", { href: "#/jobs?state=running", "data-testid": "running-count" }, running, " running"),
      h("a", { href: "#/jobs?state=paused", "data-testid": "paused-count" }, paused, " paused"),
    ),
    h("span", { class: "latest", "data-testid": "latest" }, latestLink, latestBar, latestPct, latestStep),
    workerWarning,
  );

  const render = () => {
    const view = model.view();
    workerWarning.textContent = view.workerWarning ?? "";
    workerWarning.hidden = view.workerWarning === null;
    running.textContent = String(view.running);
    paused.textContent = String(view.paused);
    const latest = view.latest;
    latestBar.hidden = latest === null;
    if (latest === null) {
      latestLink.textContent = "no active job";
      latestLink.setAttribute("href", "#/jobs");
      latestPct.textContent = "";
      latestStep.textContent = "";
      return;
    }
    latestLink.textContent = `${latest.type || "job"} ${shortId(latest.jobId)}`;
    latestLink.setAttribute("href", jobHref(latest.jobId));
    setProgress(latestBar, latest.progress);
    latestPct.textContent = pct(latest.progress);
    latestStep.textContent = latest.state === "paused" ? "paused" : latest.step;
  };

  let seeding: Promise<void> | null = null;
  let again = false;
  const seed = async () => {
    if (seeding) {
      again = true;
      return;
    }
    seeding = (async () => {
      model.beginSeed();
      try {
        const [stats, ...pages] = await Promise.all([
          ctx.api.stats(),
          ...ACTIVE_STATES.map((state) => ctx.api.listJobs({ state, limit: ACTIVE_LIST_LIMIT })),
        ]);
        const listed = Object.fromEntries(
          ACTIVE_STATES.map((state, i) => [state, { items: pages[i].items, complete: pages[i].next_cursor === null }]),
        );
        if (model.seed(stats, listed)) again = true;
      } catch (error) {
        console.warn("status bar: cannot load counts", error);
        model.abandonSeed();
      }
      render();
    })();
    await seeding;
    seeding = null;
    if (again) {
      again = false;
      await seed();
    }
  };

  let lastResumes = -1;
  const offConnection = ctx.feed.onConnection((c) => {
    conn.className = `conn conn-${c.state}`;
    connection.textContent = CONNECTION_LABELS[c.state];
    conn.title = c.detail;
    // The user room carries no replay: after (re)connecting, or once the feed is live again
    // after an outage that dropped events, counts are read again.
    if ((c.state === "live" || c.state === "degraded") && c.resumes !== lastResumes) {
      lastResumes = c.resumes;
      void seed();
    }
  });
  const offEvent = ctx.feed.onEvent((event) => {
    if (model.apply(event)) void seed();
    else render();
  });
  const checkWorkers = async () => {
    try {
      model.setWorkers((await ctx.api.meta()).workers);
    } catch (error) {
      console.warn("status bar: cannot read worker status", error);
      model.setWorkers(null);
    }
    render();
  };
  const workerTimer = window.setInterval(() => void checkWorkers(), WORKER_POLL_MS);
  void seed();
  render();
  return () => {
    window.clearInterval(workerTimer);
    offConnection();
    offEvent();
  };
}
