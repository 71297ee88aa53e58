/**
 * Jobs this console deleted. Temporal removes a deleted run a little later (about half a minute
 * on the dev server), and until then its visibility still lists it; the list leaves these out
 * so a deleted job does not come back on the next reload.
 */

const deleted = new Set<string>();

export function markDeleted(jobId: string): void {
  deleted.add(jobId);
}

export function withoutDeleted<T extends { job_id: string }>(jobs: readonly T[]): T[] {
  return jobs.filter((job) => !deleted.has(job.job_id));
}
