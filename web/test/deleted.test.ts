import { describe, expect, it } from "vitest";
import { markDeleted, withoutDeleted } from "../src/deleted";

describe("deleted jobs", () => {
  it("stay out of a list that visibility has not caught up with", () => {
    markDeleted("job-gone");
    const listed = [{ job_id: "job-kept" }, { job_id: "job-gone" }];
    expect(withoutDeleted(listed)).toEqual([{ job_id: "job-kept" }]);
  });
});
