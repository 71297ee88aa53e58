/**
 * A research job's sources ranked by how well they answer the question: a source scores its
 * best passage's BM25 score (the ranking the report's citations come from), with the sum over
 * its cited passages breaking ties. Sources that matched nothing, or failed, follow unranked,
 * so every source the job was given is accounted for.
 */

import { isObj, toNumber } from "./chartData";

type Obj = Record<string, unknown>;

export interface RankedSource {
  key: string;
  name: string;
  url: string | null;
  best: number | null;
  total: number;
  passages: number;
  /** The web search result it was found as, for a source the job searched for. */
  searchRank: number | null;
  /** Why it is unranked: "no matching passage", or the failure. */
  note: string;
}

/** Ranked sources first (best score first), then the unranked in the order they were given. */
export function rankSources(citations: Obj[], sources: Obj[]): RankedSource[] {
  const byKey = new Map<string, RankedSource>();
  sources.forEach((src, i) => {
    const key = keyOf(src["index"] ?? i, src["name"] ?? src["url"]);
    const failed = src["status"] === "failed";
    byKey.set(key, {
      key,
      name: text(src["name"]) || text(src["url"]) || text(src["path"]) || `source ${i + 1}`,
      url: text(src["url"]) || null,
      best: null,
      total: 0,
      passages: 0,
      searchRank: typeof src["search_rank"] === "number" ? src["search_rank"] : null,
      note: failed ? `failed: ${text(src["error"]) || text(src["reason"]) || "unknown reason"}` : "no matching passage",
    });
  });
  for (const c of citations) {
    const score = toNumber(c["score"]);
    if (score === null) continue;
    const key = keyOf(c["source_index"], c["source"] ?? c["url"]);
    const entry = byKey.get(key) ?? newEntry(key, c);
    entry.best = Math.max(entry.best ?? -Infinity, score);
    entry.total += score;
    entry.passages += 1;
    entry.note = "";
    byKey.set(key, entry);
  }
  const all = [...byKey.values()];
  const ranked = all.filter((s) => s.best !== null).sort((a, b) => (b.best ?? 0) - (a.best ?? 0) || b.total - a.total);
  return [...ranked, ...all.filter((s) => s.best === null)];
}

function newEntry(key: string, citation: Obj): RankedSource {
  const name = text(citation["source"]) || text(citation["title"]) || text(citation["url"]) || "source";
  const searchRank = typeof citation["search_rank"] === "number" ? citation["search_rank"] : null;
  return { key, name, url: text(citation["url"]) || null, best: null, total: 0, passages: 0, searchRank, note: "" };
}

function keyOf(index: unknown, name: unknown): string {
  return typeof index === "number" ? `#${index}` : `name:${text(name)}`;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : isObj(value) && typeof value["name"] === "string" ? value["name"] : "";
}
