import { describe, expect, it } from "vitest";
import { isAppError, toAppError } from "./errors";

describe("toAppError", () => {
  it("passes an AppError through unchanged", () => {
    const err = { code: "rate_limited", message: "Wait a moment.", retryable: true };
    expect(toAppError(err)).toBe(err);
  });
  it.each([
    ["a string", "command session_status not found", /command session_status not found/],
    ["an Error", new Error("boom"), /boom/],
    ["nothing", undefined, /Something went wrong/],
    ["a half-shaped object", { code: "x", message: "y" }, /Something went wrong/],
  ])("turns %s into code unexpected", (_what, value, message) => {
    const err = toAppError(value);
    expect(err.code).toBe("unexpected");
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(message);
    expect(isAppError(err)).toBe(true);
  });
});
