import { describe, expect, it } from "vitest";
import { RollingWindow, percentile } from "./rolling";

describe("percentile (nearest rank)", () => {
  it("takes the smallest value with at least p% at or below it", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    // Two samples: p99 is the larger, never an average that was never measured.
    expect(percentile([4, 30], 99)).toBe(30);
  });
});

describe("a one-minute rolling window", () => {
  it("is empty before any sample", () => {
    expect(new RollingWindow(60_000).summary(0)).toBeNull();
  });

  it("summarises what it holds, in any order of values", () => {
    const w = new RollingWindow(60_000);
    const values = [5, 1, 4, 2, 3, 100, 6, 8, 7, 9];
    values.forEach((v, i) => w.add(i * 10, v));
    expect(w.summary(100)).toEqual({ count: 10, p50: 5, p99: 100 });
  });

  it("forgets samples older than its span, so one old spike stops counting", () => {
    const w = new RollingWindow(60_000);
    w.add(0, 500); // a stall at start-up
    for (let t = 1_000; t <= 59_000; t += 1_000) w.add(t, 10);
    expect(w.summary(59_999)?.p99).toBe(500);
    const later = w.summary(60_001);
    expect(later?.p99).toBe(10);
    expect(later?.count).toBe(59);
    expect(w.summary(200_000)).toBeNull();
  });

  it("keeps its answers through compaction of many samples", () => {
    const w = new RollingWindow(1_000);
    for (let t = 0; t < 20_000; t++) w.add(t, t % 100);
    const s = w.summary(19_999);
    expect(s?.count).toBe(1_001);
    expect(s?.p50).toBe(50);
    expect(s?.p99).toBe(99);
  });

  it("starts again when cleared", () => {
    const w = new RollingWindow(60_000);
    w.add(0, 1);
    w.clear();
    expect(w.summary(0)).toBeNull();
  });
});
