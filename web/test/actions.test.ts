import { describe, expect, it } from "vitest";
import { canDelete, enabledActions, fallbackActions, nextStepForFailed } from "../src/actions";
import { record } from "./fixtures";

const checkpoint = {
  phase: "fetch",
  position: "source 3 of 8",
  size_bytes: 10,
  taken_at: "2026-11-22T10:00:00Z",
};

describe("state-dependent buttons", () => {
  it("enables exactly the record's allowed_actions", () => {
    const job = record({ state: "paused", allowed_actions: ["resume", "cancel"] });
    expect([...enabledActions(job, "paused")].sort()).toEqual(["cancel", "resume"]);
  });

  it("falls back to the state table while the record's actions belong to an older state", () => {
    const job = record({ state: "completed", allowed_actions: ["pause", "cancel"] });
    expect([...enabledActions(job, "running")]).toEqual(["restart"]);
  });

  it("disables every button while an action is in flight", () => {
    expect(enabledActions(record(), "running", "pause").size).toBe(0);
  });

  it("offers resume to a failed job only when it left a checkpoint", () => {
    expect(fallbackActions("failed", true)).toEqual(["resume", "restart"]);
    expect(fallbackActions("failed", false)).toEqual(["restart"]);
    expect(fallbackActions("cancelled", false)).toEqual(["restart"]);
  });

  it("suggests resume for a failed job that may resume, else restart", () => {
    const resumable = record({
      state: "failed",
      checkpoint,
      allowed_actions: ["resume", "restart"],
    });
    expect(nextStepForFailed(resumable, enabledActions(resumable, "failed"))).toBe("resume");
    const fresh = record({ state: "failed", allowed_actions: ["restart"] });
    expect(nextStepForFailed(fresh, enabledActions(fresh, "failed"))).toBe("restart");
    expect(nextStepForFailed(record(), enabledActions(record(), "running"))).toBeNull();
  });
});

describe("the delete button", () => {
  it("is offered for ended jobs only, and not while another action is in flight", () => {
    expect(["completed", "failed", "cancelled"].every((s) => canDelete(s as never, false))).toBe(true);
    expect(["created", "running", "paused"].some((s) => canDelete(s as never, false))).toBe(false);
    expect(canDelete("completed", true)).toBe(false);
  });
});
