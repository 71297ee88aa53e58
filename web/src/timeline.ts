/**
 * What the job page's timeline lists: every state transition, and each step a job takes —
 * the first event of every phase — with its time. Progress and checkpoints within a phase
 * belong to the progress bar and the checkpoint panel; a timeline entry for each of them would
 * bury the steps under thousands of lines in a long job.
 *
 * Pure and fed in seq order (the event store's output), so it is tested without a DOM.
 */

import type { JobEvent } from "./types";

export const TRANSITION_TYPES: ReadonlySet<string> = new Set([
  "job.created",
  "job.started",
  "job.paused",
  "job.resumed",
  "job.recovered",
  "job.completed",
  "job.failed",
  "job.cancelled",
  "job.snapshot",
]);

export interface TimelineEntry {
  /** `transition` for a state change, `phase` for the first event of a new phase. */
  kind: "transition" | "phase";
  event: JobEvent;
  /** The phase the job entered, for `phase` entries. */
  phase: string | null;
  /** Who sent the control this transition carries out, and why; null where nobody did. */
  audit: Audit | null;
}

export interface Audit {
  by: string;
  reason: string | null;
}

/**
 * Who paused, resumed, cancelled or restarted the job and why, from the event's `data`
 * (`by` is `jobwire` or `temporal` where no user sent it, and then nobody is named).
 */
export function auditOf(event: JobEvent): Audit | null {
  const by = event.data["by"];
  if (typeof by !== "string" || by === "" || by === "jobwire" || by === "temporal") return null;
  const reason = event.data["reason"];
  return { by, reason: typeof reason === "string" && reason !== "" ? reason : null };
}

export class Timeline {
  /** The phase of the last event seen; a different one starts a new step. */
  private phase: string | null = null;

  /** The entries `events` (applied in seq order, each once) add to the timeline. */
  add(events: readonly JobEvent[]): TimelineEntry[] {
    const out: TimelineEntry[] = [];
    for (const event of events) {
      const phase = typeof event.data["phase"] === "string" ? (event.data["phase"] as string) : null;
      if (TRANSITION_TYPES.has(event.type)) {
        out.push({ kind: "transition", event, phase: null, audit: auditOf(event) });
      } else if (phase !== null && phase !== this.phase) {
        out.push({ kind: "phase", event, phase, audit: null });
      }
      if (phase !== null) this.phase = phase;
    }
    return out;
  }
}
