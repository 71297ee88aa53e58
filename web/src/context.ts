/** What every page gets: the REST client, the live feed, the sign-in and the server's meta. */

import type { Api } from "./api";
import type { Auth } from "./auth";
import type { Feed } from "./feed";
import type { JobTypeInfo, Meta } from "./types";

export interface AppContext {
  api: Api;
  feed: Feed;
  auth: Auth;
  meta: () => Meta | null;
  jobTypes: () => Promise<JobTypeInfo[]>;
  navigate: (hash: string) => void;
}

/** A mounted page; the router calls it when the page is left. */
export type Unmount = () => void;

export const DEFAULT_META: Meta = {
  version: "",
  temporal_ui_url: null,
  temporal_namespace: "default",
  socketio_path: "/socket.io",
  socketio_namespace: "/jobs",
};
