import { createRoot, createSignal } from "solid-js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { QuoteRows } from "./columns";
import { quote } from "./fixtures";

// Rust is not here: each pull waits until the test answers it, as Rust answers when there is news.
type Pull = { panel: string; watch: number; answer: (batch: QuoteRows | null) => void; fail: (e: unknown) => void };
const pulls: Pull[] = [];
let nextId = 1;
vi.mock("../ipc", () => ({
  watchQuotes: vi.fn(async () => nextId++),
  nextQuotes: vi.fn(
    (panel: string, watch: number) =>
      new Promise<QuoteRows | null>((answer, fail) => {
        pulls.push({ panel, watch, answer, fail });
      }),
  ),
  unwatchQuotes: vi.fn(async () => {}),
}));

const ipc = await import("../ipc");
const { watchSymbols } = await import("./watch");
const { createQuoteBook } = await import("./book");

const settle = () => new Promise((r) => setTimeout(r, 0));
const batch = (symbol: string, last: number): QuoteRows => ({
  quotes: [quote(symbol, { last })],
  connection: "live",
  sentAtMs: 0,
});

/** Frames by hand: `paint()` ends the wait of the loop that applied a batch. */
let paint: () => void = () => {};
const afterPaint = () =>
  new Promise<void>((resolve) => {
    paint = resolve;
  });
const atOnce = async () => {};

beforeEach(() => {
  pulls.length = 0;
  vi.clearAllMocks();
});

describe("a panel's quote subscription (pulled)", () => {
  it("applies each answer and asks again once it is painted, under its subscription's id", async () => {
    await createRoot(async (dispose) => {
      const book = createQuoteBook();
      watchSymbols(book, () => ["AAPL"], "watchlist", afterPaint);
      await settle();
      expect(ipc.watchQuotes).toHaveBeenCalledWith("watchlist", ["AAPL"]);
      expect(pulls).toHaveLength(1);
      const id = pulls[0].watch;
      pulls[0].answer(batch("AAPL", 101));
      await settle();
      expect(book.rows.AAPL?.last).toBe(101);
      expect(pulls).toHaveLength(1); // not before the frame that paints it
      paint();
      await settle();
      expect(pulls).toHaveLength(2);
      expect(pulls[1]).toMatchObject({ panel: "watchlist", watch: id });
      pulls[1].answer(batch("AAPL", 102));
      await settle();
      expect(book.rows.AAPL?.last).toBe(102);
      dispose();
    });
  });

  it("stops the old loop when the symbols change: its late answer is not applied", async () => {
    await createRoot(async (dispose) => {
      const book = createQuoteBook();
      const [symbols, setSymbols] = createSignal<string[]>(["AAPL"]);
      watchSymbols(book, symbols, "watchlist", atOnce);
      await settle();
      const old = pulls[0];
      setSymbols(["AAPL", "MSFT"]);
      await settle();
      const current = pulls[1];
      expect(current.watch).not.toBe(old.watch);
      old.answer(batch("AAPL", 999)); // in flight when the panel subscribed anew
      current.answer(batch("MSFT", 410));
      await settle();
      expect(book.rows.AAPL?.last).toBeUndefined();
      expect(book.rows.MSFT?.last).toBe(410);
      expect(pulls.filter((p) => p.watch === old.watch)).toHaveLength(1); // the old loop asked no more
      dispose();
    });
  });

  it("ends at null, shows a failed pull's error, and unwatches when the panel goes", async () => {
    await createRoot(async (dispose) => {
      const book = createQuoteBook();
      const watched = watchSymbols(book, () => ["AAPL"], "chart", atOnce);
      await settle();
      pulls[0].answer(null);
      await settle();
      expect(pulls).toHaveLength(1); // the subscription is over: no more pulls
      watched.retry();
      await settle();
      pulls[1].fail({ code: "unexpected", message: "the window went away", retryable: false });
      await settle();
      expect(watched.error()?.code).toBe("unexpected");
      expect(pulls).toHaveLength(2);
      dispose();
      expect(ipc.unwatchQuotes).toHaveBeenCalledWith("chart");
    });
  });
});
