/**
 * The parts of a research job's page that search and synthesis add: the sources a web search
 * found (title, URL, rank, and whether the job read each one), and the answer streamed in
 * while the LLM writes it, so a reader sees it grow before the result lands.
 */

import { externalLink, h, safeHref } from "../dom";
import type { JobEvent } from "../types";

type Obj = Record<string, unknown>;

export interface FoundSource {
  rank: number;
  title: string;
  url: string;
  href: string | null;
  sourceIndex: number | null;
  skipped: string;
}

export interface SearchSummary {
  provider: string;
  query: string;
  results: FoundSource[];
}

const isObj = (value: unknown): value is Obj => !!value && typeof value === "object" && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === "string" ? value : value === null || value === undefined ? "" : String(value));

/** The search a research result ran, or null for a job whose sources were all given. */
export function searchOf(result: Obj): SearchSummary | null {
  const search = result["search"];
  if (!isObj(search) || !Array.isArray(search["results"])) return null;
  const results = search["results"].filter(isObj).map((hit, index) => ({
    rank: typeof hit["rank"] === "number" ? hit["rank"] : index + 1,
    title: text(hit["title"]) || text(hit["url"]),
    url: text(hit["url"]),
    href: safeHref(hit["url"]),
    sourceIndex: typeof hit["source_index"] === "number" ? hit["source_index"] : null,
    skipped: text(hit["skipped"]),
  }));
  return { provider: text(search["provider"]), query: text(search["query"]), results };
}

export function renderFoundSources(result: Obj): HTMLElement | null {
  const search = searchOf(result);
  if (!search) return null;
  const read = search.results.filter((r) => r.sourceIndex !== null).length;
  return h(
    "section",
    { class: "found-sources", "data-testid": "found-sources" },
    h("h3", {}, `Sources found (${read} read of ${search.results.length})`),
    h("p", { class: "muted" }, `Searched ${search.provider || "the web"} for “${search.query}”`),
    h(
      "ol",
      { class: "found" },
      ...search.results.map((found) =>
        h(
          "li",
          { value: found.rank, class: found.sourceIndex === null ? "skipped" : "read", "data-rank": found.rank },
          h("span", { class: "found-title" }, found.href ? externalLink(found.href, found.title) : found.title),
          " ",
          h("span", { class: "mono muted found-url" }, found.url),
          " ",
          h("span", { class: "found-status" }, found.sourceIndex === null ? `not read: ${found.skipped || "skipped"}` : `read as source ${found.sourceIndex + 1}`),
        ),
      ),
    ),
  );
}

/** "search result 3" for a citation whose passage came from a found page; "" otherwise. */
export function searchRankLabel(citation: Obj): string {
  const rank = citation["search_rank"];
  return typeof rank === "number" ? `search result ${rank}` : "";
}

/**
 * The sources found, shown while the job still runs: the search phase's log line carries its
 * result list (`data.search`); the panel hides once the result shows the same list.
 */
export class FoundSourcesLive {
  readonly el: HTMLElement = h("section", { class: "panel", "data-testid": "found-live", hidden: true });

  /** Takes the search's log line; says whether the event was one. */
  add(event: JobEvent): boolean {
    const search = event.type === "job.log" ? event.data["search"] : undefined;
    const found = isObj(search) ? renderFoundSources({ search }) : null;
    if (!found) return false;
    this.el.replaceChildren(found);
    this.el.hidden = false;
    return true;
  }

  finish(hasResult: boolean): void {
    if (hasResult) this.el.hidden = true;
  }
}

/**
 * The answer as the LLM writes it: each `job.chunk` of the `synthesis` stream is appended
 * as it arrives (a chunk seen twice, by seq, is not), and the panel hides once the job's
 * result holds the finished answer.
 */
export class SynthesisStream {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly seen = new Set<number>();

  constructor() {
    this.body = h("div", { class: "report streaming", "aria-live": "polite", "data-testid": "synthesis-text" });
    this.el = h("section", { class: "panel synthesis", "data-testid": "synthesis", hidden: true }, h("h2", {}, "Answer (being written)"), this.body);
  }

  /** Takes a chunk of the synthesis; says whether the event was one. */
  add(event: JobEvent): boolean {
    if (event.type !== "job.chunk" || event.data["stream"] !== "synthesis") return false;
    if (!this.seen.has(event.seq)) {
      this.seen.add(event.seq);
      this.body.append(text(event.data["text"]));
      this.el.hidden = false;
    }
    return true;
  }

  get text(): string {
    return this.body.textContent ?? "";
  }

  /** Hidden once the result shows the whole answer; a rewrite after a retry starts afresh. */
  finish(hasResult: boolean): void {
    if (hasResult) this.el.hidden = true;
  }
}
