/**
 * The sign-in token: kept in this tab's sessionStorage only (never localStorage, never a URL
 * the console navigates to). `jobwire dev` prints a console URL with `#token=…`: the fragment
 * never reaches a server or its logs, and the console takes it once, then removes it from the
 * address bar and history with `history.replaceState`.
 */

const KEY = "jobwire.token";

export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class Auth {
  constructor(private readonly storage: TokenStore = sessionStorage) {}

  get token(): string | null {
    return this.storage.getItem(KEY);
  }

  signIn(token: string): void {
    this.storage.setItem(KEY, token.trim().replace(/^Bearer\s+/i, ""));
  }

  signOut(): void {
    this.storage.removeItem(KEY);
  }

  /** The subject (`sub`) of the token, read without verifying it: the server verifies. */
  get user(): string | null {
    return subjectOf(this.token);
  }
}

export function subjectOf(token: string | null): string | null {
  if (!token) return null;
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(json) as { sub?: unknown };
    return typeof claims.sub === "string" ? claims.sub : null;
  } catch {
    return null;
  }
}

/**
 * Takes `token=` out of a URL fragment (`#token=abc` or `#/jobs&token=abc`). Returns the token
 * and the fragment to keep, or `null` when there is none.
 */
export function takeTokenFromHash(hash: string): { token: string; rest: string } | null {
  const body = hash.replace(/^#/, "");
  const parts = body.split("&");
  let token: string | null = null;
  const keep: string[] = [];
  for (const part of parts) {
    if (part.startsWith("token=")) token = decodeURIComponent(part.slice("token=".length));
    else if (part) keep.push(part);
  }
  if (!token) return null;
  return { token, rest: keep.length ? `#${keep.join("&")}` : "" };
}
