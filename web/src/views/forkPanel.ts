/**
 * "Fork from…" on an ended job's page: pick the phase the new job starts at (the phases
 * before it are reused from this job, not run again) and, where this job kept a checkpoint
 * inside that phase, whether to go on from it. The server checks the job's history and says
 * why where it refuses; an accepted fork opens the new job's page.
 */

import { canForkFromCheckpoint, forkablePhases } from "../actions";
import { ApiError } from "../api";
import type { AppContext } from "../context";
import { h } from "../dom";
import { jobHref } from "../router";
import type { JobRecord } from "../types";

export interface ForkPanel {
  /** The "Fork from…" button, for the job's controls. */
  button: HTMLButtonElement;
  /** The picker it opens. */
  panel: HTMLElement;
  /** Shows the record's phases and whether the fork may be offered (`enabled`). */
  render(record: JobRecord, enabled: boolean): void;
}

export function forkPanel(ctx: AppContext, jobId: string): ForkPanel {
  let record: JobRecord | null = null;
  let sending = false;
  const button = h("button", { type: "button", "data-action": "fork", disabled: true, "aria-expanded": "false" }, "Fork from…");
  const phase = h("select", { name: "from_phase", "data-testid": "fork-phase", "aria-label": "Phase to fork from" });
  const fromCheckpoint = h("input", { type: "checkbox", name: "from_checkpoint", "data-testid": "fork-from-checkpoint" });
  const checkpointLabel = h("label", {}, fromCheckpoint, " go on from this job's last checkpoint in that phase");
  const message = h("p", { class: "control-msg", "aria-live": "polite", "data-testid": "fork-message" });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "fork-submit" }, "Fork");
  const form = h(
    "form",
    { class: "fork-form", "aria-label": "Fork from a phase" },
    h("label", {}, "Start at phase ", phase),
    " ",
    checkpointLabel,
    " ",
    submit,
    h("p", { class: "muted" }, "The phases before it are reused from this job instead of running again."),
    message,
  );
  const panel = h("section", { class: "panel fork", hidden: true, "data-testid": "fork-panel" }, h("h2", {}, "Fork from a phase"), form);

  const syncCheckpoint = () => {
    const allowed = record !== null && canForkFromCheckpoint(record, phase.value);
    fromCheckpoint.disabled = !allowed;
    if (!allowed) fromCheckpoint.checked = false;
    checkpointLabel.hidden = !allowed;
  };

  button.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden) phase.focus();
  });
  phase.addEventListener("change", syncCheckpoint);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void send();
  });

  async function send(): Promise<void> {
    if (sending || !phase.value) return;
    sending = true;
    submit.disabled = true;
    message.textContent = "Forking…";
    try {
      const forked = await ctx.api.fork(jobId, { from_phase: phase.value, from_checkpoint: fromCheckpoint.checked });
      ctx.navigate(jobHref(forked.job_id));
    } catch (error) {
      const problem = error instanceof ApiError ? error.problem : { title: String(error), status: 0 };
      message.textContent = `Cannot fork: ${problem.detail || problem.title}`;
    } finally {
      sending = false;
      submit.disabled = false;
    }
  }

  return {
    button,
    panel,
    render(next: JobRecord, enabled: boolean) {
      record = next;
      button.disabled = !enabled;
      if (!enabled) panel.hidden = true;
      const phases = forkablePhases(next);
      const shown = [...phase.options].map((option) => option.value);
      if (shown.join("\n") !== phases.join("\n")) {
        const keep = phase.value;
        phase.replaceChildren(...phases.map((name) => h("option", { value: name }, name)));
        if (phases.includes(keep)) phase.value = keep;
        else if (phases.length) phase.value = phases[phases.length - 1];
      }
      syncCheckpoint();
    },
  };
}
