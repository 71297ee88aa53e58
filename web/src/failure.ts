/**
 * What a failed job's error block says: the error, where it happened, and why it ended after
 * the attempts it had, so the reader knows whether another try could help.
 */

import type { JobError } from "./types";

export interface FailureText {
  /** "ValueOutOfRange: row 2: 1e+300 is beyond ±1e+150" */
  headline: string;
  /** "In phase scan, after 5 attempts: the failure looked transient, and the attempts ran out." */
  detail: string;
}

export function describeFailure(error: JobError | null | undefined): FailureText {
  if (!error) return { headline: "no error message", detail: "" };
  const attempts = Math.max(1, error.attempts ?? 1);
  const times = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  const where = error.phase ? `In phase ${error.phase}, after ${times}` : `After ${times}`;
  const why = error.retryable
    ? "the failure looked transient, and the attempts ran out."
    : attempts === 1
      ? "it would fail the same way again, so it was not retried."
      : "the last one failed in a way a retry cannot mend.";
  return { headline: `${error.type}: ${error.message}`, detail: `${where}: ${why}` };
}
