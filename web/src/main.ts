/**
 * The console's shell: sign-in, the Socket.IO connection, the status bar and the hash router.
 */

import { io } from "socket.io-client";
import { Api } from "./api";
import { Auth, takeTokenFromHash } from "./auth";
import { type AppContext, DEFAULT_META, type Unmount } from "./context";
import { h } from "./dom";
import { Feed, type FeedSocket } from "./feed";
import { parseRoute, SCHEDULES_HREF, SETTINGS_HREF } from "./router";
import "./style.css";
import type { JobTypeInfo, Meta } from "./types";
import { mountJobList } from "./views/jobList";
import { mountJobPage } from "./views/jobPage";
import { mountScheduleList } from "./views/scheduleList";
import { mountSignIn } from "./views/signin";
import { mountStatusBar } from "./views/statusBar";
import { mountSubmit } from "./views/submit";

const main = document.getElementById("main") as HTMLElement;
const statusRoot = document.getElementById("statusbar") as HTMLElement;
const nav = document.getElementById("nav") as HTMLElement;

const auth = new Auth();

// `jobwire dev` prints `/#token=…`: take it once, then drop it from the address and history.
const fromHash = takeTokenFromHash(location.hash);
if (fromHash) {
  auth.signIn(fromHash.token);
  history.replaceState(null, "", `${location.pathname}${location.search}${fromHash.rest}`);
}

let meta: Meta | null = null;
let jobTypes: Promise<JobTypeInfo[]> | null = null;
let feed: Feed | null = null;
let unmountPage: Unmount = () => undefined;
let unmountStatus: Unmount = () => undefined;

const api = new Api(
  () => auth.token,
  () => signOut("The server refused your token (expired or invalid). Sign in again."),
);

function makeFeed(m: Meta): Feed {
  const socket = io(m.socketio_namespace, {
    path: m.socketio_path,
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  return new Feed(socket as unknown as FeedSocket, (jobId, since) => api.history(jobId, since));
}

function context(): AppContext {
  return {
    api,
    feed: feed as Feed,
    auth,
    meta: () => meta,
    jobTypes: () => {
      jobTypes ??= api.jobTypes().catch((error) => {
        jobTypes = null;
        throw error;
      });
      return jobTypes;
    },
    navigate: (hash) => {
      if (location.hash === hash) route();
      else location.hash = hash;
    },
  };
}

function signOut(reason = ""): void {
  auth.signOut();
  feed?.stop();
  unmountStatus();
  unmountStatus = () => undefined;
  statusRoot.replaceChildren();
  renderNav();
  unmountPage();
  unmountPage = mountSignIn(main, context(), () => void start(), reason);
}

function renderNav(): void {
  const user = auth.user;
  nav.replaceChildren(
    h("a", { class: "brand", href: "#/jobs" }, "jobwire"),
    ...(user
      ? [
          h("a", { href: "#/jobs" }, "Jobs"),
          h("a", { href: "#/submit" }, "New job"),
          h("a", { href: SCHEDULES_HREF }, "Schedules"),
          h("a", { href: SETTINGS_HREF }, "Settings"),
          h("span", { class: "spacer" }),
          h("span", { class: "muted user", "data-testid": "user" }, user),
          h("button", { type: "button", class: "link", onclick: () => signOut() }, "Sign out"),
        ]
      : []),
  );
}

async function start(): Promise<void> {
  if (!auth.token) {
    signOut();
    return;
  }
  try {
    meta = { ...DEFAULT_META, ...(await api.meta()) };
  } catch {
    meta ??= DEFAULT_META;
  }
  if (!auth.token) return; // the meta call found the token refused
  if (!feed) {
    feed = makeFeed(meta);
    feed.onConnection((c) => {
      if (c.state === "unauthorized" && auth.token) {
        signOut(`Live updates refused: ${c.detail}. Sign in again.`);
      }
    });
  }
  feed.start(auth.token);
  renderNav();
  unmountStatus();
  unmountStatus = mountStatusBar(statusRoot, context());
  route();
}

function route(): void {
  if (!auth.token || !feed) return;
  unmountPage();
  const r = parseRoute(location.hash);
  const ctx = context();
  switch (r.page) {
    case "jobs":
      unmountPage = mountJobList(main, ctx, r);
      document.title = "Jobs · jobwire";
      break;
    case "job":
      unmountPage = mountJobPage(main, ctx, r.jobId);
      document.title = `${r.jobId} · jobwire`;
      break;
    case "submit":
      unmountPage = mountSubmit(main, ctx, r.type, r.from);
      document.title = "New job · jobwire";
      break;
    case "schedules":
      unmountPage = mountScheduleList(main, ctx);
      document.title = "Schedules · jobwire";
      break;
    case "schedule":
      unmountPage = mountLater(main, () =>
        import("./views/scheduleEdit").then((view) => () => view.mountScheduleForm(main, ctx, r.scheduleId, r.type)),
      );
      document.title = `${r.scheduleId ?? "New schedule"} · jobwire`;
      break;
    case "settings":
      unmountPage = mountLater(main, () => import("./views/settings").then((view) => () => view.mountSettings(main, ctx)));
      document.title = "Settings · jobwire";
      break;
    case "signin":
      signOut();
      return;
    default:
      main.replaceChildren(h("h1", {}, "Not found"), h("p", {}, h("a", { href: "#/jobs" }, "Your jobs")));
      unmountPage = () => undefined;
  }
  main.focus({ preventScroll: true });
}

/**
 * A page whose code loads in its own chunk the first time it is opened (forms people use now
 * and then stay out of the main bundle); left before it loaded, it is never mounted.
 */
function mountLater(target: HTMLElement, load: () => Promise<() => Unmount>): Unmount {
  let left = false;
  let unmount: Unmount = () => undefined;
  target.replaceChildren(h("p", { class: "muted", "aria-busy": "true" }, "Loading…"));
  load().then(
    (mount) => {
      if (!left) unmount = mount();
    },
    (error: unknown) => {
      if (!left) target.replaceChildren(h("p", { role: "alert" }, `Cannot load this page: ${String(error)}`));
    },
  );
  return () => {
    left = true;
    unmount();
  };
}

window.addEventListener("hashchange", route);
void start();
