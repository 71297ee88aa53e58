/**
 * The job list's bulk action bar: pause, resume, cancel or restart the ticked jobs, or every
 * job the current filters match, in one `POST /api/jobs/actions`; says what became of each.
 * The rows themselves change from the live feed, as they would for one job.
 */

import type { Api } from "../api";
import { ApiError } from "../api";
import { h } from "../dom";
import type { BulkResult, JobAction } from "../types";
import { notice } from "./widgets";

const ACTIONS: JobAction[] = ["pause", "resume", "cancel", "restart"];

export interface BulkBar {
  el: HTMLElement;
  /** Ticked ids changed, or the page did: updates the count and what the buttons act on. */
  update(selected: string[]): void;
}

export function summarize(result: BulkResult): string {
  const counts = { done: 0, not_allowed: 0, not_found: 0, no_worker: 0 };
  for (const item of result.results) counts[item.outcome] += 1;
  const parts = [`${counts.done} done`];
  if (counts.not_allowed) parts.push(`${counts.not_allowed} not allowed in their state`);
  if (counts.not_found) parts.push(`${counts.not_found} not found`);
  if (counts.no_worker) parts.push(`${counts.no_worker} not taken by any worker`);
  return `${result.action}: ${parts.join(", ")}${result.more ? " (more matched: run it again)" : ""}`;
}

export function bulkBar(api: Api, filter: () => Record<string, unknown>, done: () => void): BulkBar {
  let selected: string[] = [];
  const count = h("span", { class: "muted", "data-testid": "bulk-count" }, "");
  const allMatching = h("input", { type: "checkbox", id: "bulk-all-matching" });
  const result = h("div", { "aria-live": "polite", "data-testid": "bulk-result" });
  const buttons = ACTIONS.map((action) => {
    const button = h("button", { type: "button", "data-bulk": action, disabled: true }, capital(action));
    button.addEventListener("click", () => void run(action));
    return button;
  });
  const el = h(
    "div",
    { class: "bulk-bar", role: "toolbar", "aria-label": "Act on many jobs" },
    count,
    h("label", { for: "bulk-all-matching" }, allMatching, " every job matching the filters"),
    ...buttons,
    result,
  );

  const refresh = () => {
    const any = allMatching.checked || selected.length > 0;
    count.textContent = allMatching.checked ? "all matching" : `${selected.length} selected`;
    for (const button of buttons) button.disabled = !any;
  };
  allMatching.addEventListener("change", refresh);

  const run = async (action: JobAction) => {
    const jobs = allMatching.checked ? { filter: filter() } : { ids: [...selected] };
    for (const button of buttons) button.disabled = true;
    try {
      result.replaceChildren(notice("info", summarize(await api.bulk(action, jobs))));
      done();
    } catch (error) {
      result.replaceChildren(notice("error", `Cannot ${action}: ${(error as ApiError).message}`));
    }
    refresh();
  };

  refresh();
  return {
    el,
    update(next: string[]) {
      selected = next;
      refresh();
    },
  };
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
