/**
 * The live link's state, as the status bar shows it, as a pure reducer.
 *
 * live: connected and the feed reads Redis. degraded: connected, but the server says Redis is
 * unreachable and progress comes from polling Temporal (`feed_status`). reconnecting: the link
 * dropped and socket.io-client is retrying. unauthorized: the server refused the token; only
 * a new sign-in helps. A reconnect starts out live until the server says otherwise.
 */

export type ConnectionState =
  | "connecting"
  | "live"
  | "degraded"
  | "reconnecting"
  | "unauthorized"
  | "closed";

export type ConnectionInput =
  | { kind: "connected" }
  | { kind: "disconnected"; willRetry: boolean }
  | { kind: "retrying"; attempt: number }
  | { kind: "feed_status"; state: string; detail?: string }
  | { kind: "refused"; unauthorized: boolean; message?: string }
  | { kind: "session_expired" }
  | { kind: "closed" };

export interface Connection {
  state: ConnectionState;
  detail: string;
  /** How many times the link came back; the page uses it to know a replay is due. */
  reconnects: number;
  /**
   * How many times live delivery resumed after it may have missed something: a reconnect, or
   * the feed live again after degraded (events published while Redis was down are dropped,
   * not replayed). Pages then read again what no replay brings: counts, lists, a record.
   */
  resumes: number;
  attempt: number;
  everConnected: boolean;
}

export const initialConnection: Connection = {
  state: "connecting",
  detail: "",
  reconnects: 0,
  resumes: 0,
  attempt: 0,
  everConnected: false,
};

export function nextConnection(current: Connection, input: ConnectionInput): Connection {
  if (current.state === "closed") return current;
  switch (input.kind) {
    case "connected":
      return {
        state: "live",
        detail: "",
        reconnects: current.everConnected ? current.reconnects + 1 : current.reconnects,
        resumes: current.everConnected ? current.resumes + 1 : current.resumes,
        attempt: 0,
        everConnected: true,
      };
    case "disconnected":
      if (current.state === "unauthorized") return current;
      return input.willRetry
        ? { ...current, state: "reconnecting", detail: "connection lost" }
        : { ...current, state: "closed", detail: "disconnected" };
    case "retrying":
      if (current.state === "unauthorized") return current;
      return {
        ...current,
        state: "reconnecting",
        attempt: input.attempt,
        detail: `attempt ${input.attempt}`,
      };
    case "feed_status":
      if (current.state !== "live" && current.state !== "degraded") return current;
      if (input.state === "degraded") return { ...current, state: "degraded", detail: input.detail ?? "" };
      return current.state === "degraded"
        ? { ...current, state: "live", detail: "", resumes: current.resumes + 1 }
        : { ...current, state: "live", detail: "" };
    case "refused":
      return input.unauthorized
        ? { ...current, state: "unauthorized", detail: input.message ?? "token refused" }
        : { ...current, state: "reconnecting", detail: input.message ?? "refused" };
    case "session_expired":
      return { ...current, state: "unauthorized", detail: "session expired: sign in again" };
    case "closed":
      return { ...current, state: "closed", detail: "" };
  }
}

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: "connecting",
  live: "live",
  degraded: "degraded (polling)",
  reconnecting: "reconnecting",
  unauthorized: "signed out",
  closed: "offline",
};
