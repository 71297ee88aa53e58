import { describe, expect, it } from "vitest";
import { describeFailure } from "../src/failure";

describe("a failed job's error block", () => {
  it("says a failure that recurs ended the job at once", () => {
    const text = describeFailure({
      type: "ValueOutOfRange",
      message: "row 2: 1e+300 is beyond ±1e+150",
      retryable: false,
      phase: "scan",
      attempts: 1,
    });
    expect(text.headline).toBe("ValueOutOfRange: row 2: 1e+300 is beyond ±1e+150");
    expect(text.detail).toBe("In phase scan, after 1 attempt: it would fail the same way again, so it was not retried.");
  });

  it("says how many attempts a transient failure had before the job gave up", () => {
    const text = describeFailure({ type: "ConnectionError", message: "unreachable", retryable: true, phase: "fetch", attempts: 5 });
    expect(text.detail).toBe("In phase fetch, after 5 attempts: the failure looked transient, and the attempts ran out.");
  });

  it("reads a record from before attempts were counted as one attempt", () => {
    const text = describeFailure({ type: "CountRefused", message: "item 4 is refused" });
    expect(text.detail).toBe("After 1 attempt: it would fail the same way again, so it was not retried.");
  });

  it("still shows a block for a failure without an error", () => {
    expect(describeFailure(null)).toEqual({ headline: "no error message", detail: "" });
  });
});
