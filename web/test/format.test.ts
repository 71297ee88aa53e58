import { describe, expect, it } from "vitest";

import { priorityText, queueWait } from "../src/format";

describe("queueWait", () => {
  it("says how long a job has waited for a worker, in whole seconds", () => {
    const now = new Date("2026-12-01T10:00:42Z");
    expect(queueWait("2026-12-01T10:00:00Z", now)).toMatch(/^waiting for a worker for 42 s \(since 2026-12-01 /);
  });

  it("never says a negative wait when the clocks disagree", () => {
    const now = new Date("2026-12-01T10:00:00Z");
    expect(queueWait("2026-12-01T10:00:05Z", now)).toMatch(/^waiting for a worker for 0 s/);
  });

  it("shows an unreadable time as it came", () => {
    expect(queueWait("soon")).toBe("waiting for a worker since soon");
  });
});

describe("priorityText", () => {
  it("says which way a priority moves the job, and reads an old record as normal", () => {
    expect(priorityText(1)).toBe("1 · runs sooner");
    expect(priorityText(3)).toBe("3 · normal");
    expect(priorityText(5)).toBe("5 · runs later");
    expect(priorityText(undefined)).toBe("3 · normal");
  });
});
