import { describe, expect, it } from "vitest";
import type { PlaceResult, QuoteView } from "../bindings";
import type { QuoteRows } from "../quotes/columns";
import { quote as fixture } from "../quotes/fixtures";
import { createFreshness, newestTickAt } from "./freshness";

const quote = (symbol: string, ageMs: number): QuoteView => fixture(symbol, { ageMs });
const batch = (sentAtMs: number, ...quotes: QuoteView[]): QuoteRows => ({ quotes, connection: "live", sentAtMs });

/** A store on a hand-driven clock and frame queue. */
function harness() {
  let now = 0;
  const frames: (() => void)[] = [];
  const store = createFreshness(
    (run) => frames.push(run),
    () => now,
  );
  return {
    store,
    at: (t: number) => (now = t),
    paintFrame: () => frames.splice(0).forEach((run) => run()),
    frames,
  };
}

describe("the newest tick of a batch", () => {
  it("is the send time less the youngest quote's age", () => {
    expect(newestTickAt(batch(10_000, quote("AAPL", 300), quote("MSFT", 20)))).toBe(9_980);
    expect(newestTickAt(batch(10_000))).toBeNull();
  });
});

describe("tick-to-paint", () => {
  it("runs from Rust's send to the next frame after the batch was applied", () => {
    const h = harness();
    h.at(1_000);
    h.store.applied(batch(990, quote("AAPL", 0)));
    h.at(1_005);
    h.store.applied(batch(1_004, quote("MSFT", 0)));
    expect(h.frames.length, "one frame for every batch applied before it").toBe(1);
    h.at(1_016);
    h.paintFrame();
    expect(h.store.paint()).toEqual({ count: 2, p50: 12, p99: 26 });
  });

  it("ignores batches that carry only a socket state", () => {
    const h = harness();
    h.store.applied(batch(0));
    expect(h.frames.length).toBe(0);
    expect(h.store.paint()).toBeNull();
    expect(h.store.tickAge()).toBeNull();
  });

  it("keeps one minute: an old stall stops counting", () => {
    const h = harness();
    h.at(500);
    h.store.applied(batch(0, quote("AAPL", 0)));
    h.paintFrame();
    for (let t = 1_000; t <= 61_000; t += 1_000) {
      h.at(t);
      h.store.applied(batch(t - 8, quote("AAPL", 0)));
      h.at(t + 2);
      h.paintFrame();
    }
    expect(h.store.paint()?.p99).toBe(10);
    expect(h.store.paint()?.count).toBe(61);
  });
});

describe("the newest tick's age", () => {
  it("follows the youngest tick seen, never going back to an older one", () => {
    const h = harness();
    h.store.applied(batch(5_000, quote("AAPL", 100)));
    h.store.applied(batch(5_100, quote("MSFT", 4_000))); // a stale re-check of a quiet symbol
    h.at(6_000);
    expect(h.store.tickAge()).toBe(1_100);
  });
});

describe("the last order's round trip", () => {
  it("times Confirm to Aries's answer, and to an error too", async () => {
    const h = harness();
    h.at(100);
    const accepted = { outcome: "rejected", reason: "no" } satisfies PlaceResult;
    const place = h.store.timed(async (answerAt: number) => {
      h.at(answerAt);
      return accepted;
    });
    await place(142);
    expect(h.store.lastOrder()).toEqual({ ms: 42, outcome: "rejected" });
    const failing = h.store.timed(async () => {
      h.at(400);
      throw { code: "network", message: "down", retryable: true };
    });
    h.at(300);
    await expect(failing()).rejects.toMatchObject({ code: "network" });
    expect(h.store.lastOrder()).toEqual({ ms: 100, outcome: "network" });
  });
});

describe("sign-out", () => {
  it("forgets what was measured and closes the readout", () => {
    const h = harness();
    h.store.applied(batch(0, quote("AAPL", 0)));
    h.paintFrame();
    h.store.toggle();
    h.store.reset();
    expect(h.store.open()).toBe(false);
    expect(h.store.paint()).toBeNull();
    expect(h.store.tickAge()).toBeNull();
  });
});
