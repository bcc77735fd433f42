import { describe, expect, it } from "vitest";
import { waitingUntil } from "./deadline";

describe("the sign-in deadline", () => {
  it("is a time of day while a sign-in waits, and nothing otherwise", () => {
    expect(waitingUntil("2026-11-30T10:05:00+00:00")).toMatch(/\d{1,2}:\d{2}/);
    expect(waitingUntil(null)).toBeNull();
    expect(waitingUntil("soon")).toBeNull();
  });
});
