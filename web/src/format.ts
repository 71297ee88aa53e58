/** Number and time formatting shared by the pages (fixed decimals keep widths steady). */

export function pct(progress: number): string {
  return `${clamp(progress, 0, 100).toFixed(1)}%`;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Number.isFinite(value) ? value : low));
}

export function num(value: unknown, digits = 2): string {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return "—";
  return n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function int(value: unknown): string {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return "—";
  return Math.round(n).toLocaleString("en-US");
}

export function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${(value / 1024 / 1024).toFixed(1)} MiB`;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString("en-GB", { hour12: false });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 10)} ${date.toLocaleTimeString("en-GB", { hour12: false })}`;
}

/** How long a job has waited for a worker, as `jobwire show` says it. */
export function queueWait(since: string, now: Date = new Date()): string {
  const start = new Date(since);
  if (Number.isNaN(start.getTime())) return `waiting for a worker since ${since}`;
  const waited = Math.max(0, Math.round((now.getTime() - start.getTime()) / 1000));
  return `waiting for a worker for ${waited} s (since ${dateTime(since)})`;
}

export function shortId(jobId: string): string {
  return jobId.length > 16 ? `${jobId.slice(0, 12)}…` : jobId;
}

/** A job's priority as a person reads it: 1 runs first, 5 last, 3 when nobody said. */
export function priorityText(priority: number | null | undefined): string {
  const level = priority ?? 3;
  const word = level === 3 ? "normal" : level < 3 ? "runs sooner" : "runs later";
  return `${level} · ${word}`;
}
