import { createRoot, createSignal } from "solid-js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { QuoteRows } from "./columns";
import { quote } from "./fixtures";

// Rust is not here: each pull waits until the test answers it, as Rust answers when there is news.
type Pull = { answer: (batch: QuoteRows | null) => void; fail: (e: unknown) => void };
const pulls: Pull[] = [];
vi.mock("../ipc", () => ({
  watchQuotes: vi.fn(async () => {}),
  nextQuotes: vi.fn(
    () =>
      new Promise<QuoteRows | null>((answer, fail) => {
        pulls.push({ answer, fail });
      }),
  ),
  unwatchQuotes: vi.fn(async () => {}),
}));

const ipc = await import("../ipc");
const { watchSymbols } = await import("./watch");
const { createQuoteBook } = await import("./book");

const settle = () => new Promise((r) => setTimeout(r, 0));
const batch = (...quotes: [string, number][]): QuoteRows => ({
  quotes: quotes.map(([symbol, last]) => quote(symbol, { last })),
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

describe("quote panels and the window's one pull", () => {
  it("pulls once for every panel, applies each answer, and asks again once it is painted", async () => {
    await createRoot(async (dispose) => {
      const book = createQuoteBook();
      watchSymbols(book, () => ["AAPL", "MSFT"], "watchlist", afterPaint);
      watchSymbols(book, () => ["AAPL"], "chart", afterPaint);
      await settle();
      expect(ipc.watchQuotes).toHaveBeenCalledWith("watchlist", ["AAPL", "MSFT"]);
      expect(ipc.watchQuotes).toHaveBeenCalledWith("chart", ["AAPL"]);
      expect(pulls).toHaveLength(1); // one loop for the window, not one per panel
      pulls[0].answer(batch(["AAPL", 101], ["MSFT", 410]));
      await settle();
      expect(book.rows.AAPL?.last).toBe(101);
      expect(book.rows.MSFT?.last).toBe(410);
      expect(pulls).toHaveLength(1); // not before the frame that paints it
      paint();
      await settle();
      expect(pulls).toHaveLength(2);
      pulls[1].answer(batch(["AAPL", 102]));
      await settle();
      expect(book.rows.AAPL?.last).toBe(102);
      dispose();
    });
  });

  it("subscribes a panel anew when its symbols change; a late answer for a symbol no panel watches is ignored", async () => {
    await createRoot(async (dispose) => {
      const book = createQuoteBook();
      const [symbols, setSymbols] = createSignal<string[]>(["AAPL"]);
      watchSymbols(book, symbols, "watchlist", atOnce);
      await settle();
      setSymbols(["MSFT"]);
      await settle();
      expect(ipc.watchQuotes).toHaveBeenLastCalledWith("watchlist", ["MSFT"]);
      expect(pulls).toHaveLength(1); // the window's loop goes on
      pulls[0].answer(batch(["AAPL", 999], ["MSFT", 410])); // in flight when the panel subscribed anew
      await settle();
      expect(book.rows.AAPL?.last).toBeUndefined();
      expect(book.rows.MSFT?.last).toBe(410);
      dispose();
    });
  });

  it("ends at sign-out (null) unless a panel subscribed since, and leaves the book alone once no panel reads it", async () => {
    await createRoot(async (dispose) => {
      const book = createQuoteBook();
      const [symbols, setSymbols] = createSignal<string[]>(["AAPL"]);
      watchSymbols(book, symbols, "chart", atOnce);
      await settle();
      pulls[0].answer(null);
      await settle();
      expect(pulls).toHaveLength(1); // the session ended: no more pulls
      setSymbols(["NVDA"]); // the next session's panel
      await settle();
      expect(pulls).toHaveLength(2);
      setSymbols(["SPY"]); // subscribes while the pull is out: a null then is the old session's
      await settle();
      pulls[1].answer(null);
      await settle();
      expect(pulls).toHaveLength(3);
      setSymbols([]); // the desk lets go of the book
      await settle();
      pulls[2].answer(batch(["SPY", 500]));
      await settle();
      expect(book.rows.SPY).toBeUndefined();
      expect(book.connection()).toBe("connecting");
      dispose();
    });
  });

  it("shows a failed subscription's or pull's error, and retry starts again", async () => {
    await createRoot(async (dispose) => {
      const book = createQuoteBook();
      vi.mocked(ipc.watchQuotes).mockRejectedValueOnce({ code: "auth.scope", message: "no market data", retryable: false });
      const watched = watchSymbols(book, () => ["AAPL"], "chart", atOnce);
      await settle();
      expect(watched.error()?.code).toBe("auth.scope");
      expect(pulls).toHaveLength(0);
      watched.retry();
      await settle();
      expect(watched.error()).toBeNull();
      pulls[0].fail({ code: "unexpected", message: "the window went away", retryable: false });
      await settle();
      expect(watched.error()?.code).toBe("unexpected");
      watched.retry();
      await settle();
      expect(watched.error()).toBeNull();
      expect(pulls).toHaveLength(2);
      dispose();
      expect(ipc.unwatchQuotes).toHaveBeenCalledWith("chart");
    });
  });
});
