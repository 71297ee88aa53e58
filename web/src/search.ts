/**
 * The job list's search box and filters, as the URL keeps them (so a filtered view can be
 * bookmarked) and as the API reads them.
 *
 * The box takes words: `tag:nightly` narrows to jobs with that tag (repeat for several), and
 * the rest, as typed, is a prefix of the job's name.
 */

import type { JobState } from "./types";

export interface ListFilters {
  state: string;
  type: string;
  q: string;
}

export interface SearchTerms {
  tags: string[];
  namePrefix: string;
}

const TAG = /^tag:(.+)$/;

export function parseSearch(q: string): SearchTerms {
  const tags: string[] = [];
  const words: string[] = [];
  for (const word of q.trim().split(/\s+/).filter(Boolean)) {
    const tag = TAG.exec(word);
    if (tag) {
      if (!tags.includes(tag[1])) tags.push(tag[1]);
    } else {
      words.push(word);
    }
  }
  return { tags, namePrefix: words.join(" ") };
}

/** The API's `filter` (`POST /api/jobs/actions`) for what the list shows. */
export function apiFilter(filters: ListFilters): Record<string, unknown> {
  const { tags, namePrefix } = parseSearch(filters.q);
  const filter: Record<string, unknown> = { tags };
  if (namePrefix) filter["name_prefix"] = namePrefix;
  if (filters.state) filter["state"] = filters.state;
  if (filters.type) filter["type"] = filters.type;
  return filter;
}

export interface Labelled {
  type: string;
  state: JobState | string;
  name?: string | null;
  tags?: string[];
}

/** Whether a job the list has not loaded (a new one, from the feed) belongs in it. */
export function matches(job: Labelled, filters: ListFilters): boolean {
  const { tags, namePrefix } = parseSearch(filters.q);
  if (filters.state && job.state !== filters.state) return false;
  if (filters.type && job.type !== filters.type) return false;
  if (namePrefix && !(job.name ?? "").startsWith(namePrefix)) return false;
  return tags.every((tag) => (job.tags ?? []).includes(tag));
}
