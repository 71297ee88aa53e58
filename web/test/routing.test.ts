import { describe, expect, it } from "vitest";
import { Auth, subjectOf, takeTokenFromHash } from "../src/auth";
import { jobHref, parseRoute, scheduleFormHref, temporalHref } from "../src/router";

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
}

describe("routes", () => {
  it("parses the pages", () => {
    expect(parseRoute("")).toEqual({ page: "jobs", state: "", type: "", q: "" });
    expect(parseRoute("#/jobs?state=paused&type=trade")).toEqual({ page: "jobs", state: "paused", type: "trade", q: "" });
    expect(parseRoute(jobHref("job-a/b"))).toEqual({ page: "job", jobId: "job-a/b" });
    expect(parseRoute("#/submit/trade?from=job-1")).toEqual({ page: "submit", type: "trade", from: "job-1" });
    expect(parseRoute("#/nope/x").page).toBe("notfound");
  });

  it("parses and builds the schedule form's routes", () => {
    expect(parseRoute(scheduleFormHref({}))).toEqual({ page: "schedule", scheduleId: null, type: null });
    expect(parseRoute(scheduleFormHref({ type: "trade" }))).toEqual({ page: "schedule", scheduleId: null, type: "trade" });
    expect(parseRoute(scheduleFormHref({ scheduleId: "sched-a/b" }))).toEqual({
      page: "schedule",
      scheduleId: "sched-a/b",
      type: null,
    });
    expect(parseRoute("#/schedules")).toEqual({ page: "schedules" });
    expect(parseRoute("#/settings")).toEqual({ page: "settings" });
    expect(parseRoute("#/schedules/new/trade/x").page).toBe("notfound");
  });

  it("builds Temporal UI links from the meta", () => {
    expect(temporalHref("http://127.0.0.1:8233/", "default", "job-1")).toBe(
      "http://127.0.0.1:8233/namespaces/default/workflows/job-1",
    );
    expect(temporalHref(null, "default", "job-1")).toBeNull();
  });
});

describe("sign-in token", () => {
  it("takes a token from the fragment once and keeps the rest of it", () => {
    expect(takeTokenFromHash("#token=abc.def")).toEqual({ token: "abc.def", rest: "" });
    expect(takeTokenFromHash("#/jobs/job-1&token=x")).toEqual({ token: "x", rest: "#/jobs/job-1" });
    expect(takeTokenFromHash("#/jobs")).toBeNull();
  });

  it("keeps the token in the given storage and strips a Bearer prefix", () => {
    const storage = new MemoryStorage();
    const auth = new Auth(storage);
    auth.signIn("  Bearer aaa.eyJzdWIiOiJhbGljZSJ9.sig ");
    expect(auth.token).toBe("aaa.eyJzdWIiOiJhbGljZSJ9.sig");
    expect(auth.user).toBe("alice");
    auth.signOut();
    expect(auth.token).toBeNull();
    expect(subjectOf("garbage")).toBeNull();
  });
});
