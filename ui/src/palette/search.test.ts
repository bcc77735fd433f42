import { createRoot } from "solid-js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppError, SymbolHit } from "../bindings";
import { SEARCH_DELAY_MS, createSymbolSearch, moveIndex } from "./search";

const hit = (symbol: string): SymbolHit => ({ symbol, description: `${symbol} Inc.`, exchange: "XNAS", kind: "stock" });

/** A search whose answers the test hands out, in any order. */
function fakeSearch() {
  const asked: { query: string; answer: (hits: SymbolHit[]) => void; fail: (err: unknown) => void }[] = [];
  const search = vi.fn(
    (query: string) =>
      new Promise<SymbolHit[]>((answer, fail) => {
        asked.push({ query, answer, fail });
      }),
  );
  return { search, asked };
}

/** Lets resolved promises run their callbacks. */
const flush = () => new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => Promise.resolve());

const network: AppError = { code: "network", message: "Aries did not answer in time.", retryable: true };

describe("moveIndex", () => {
  it("moves down and up, wrapping at both ends", () => {
    expect(moveIndex(0, 1, 3)).toBe(1);
    expect(moveIndex(2, 1, 3)).toBe(0);
    expect(moveIndex(0, -1, 3)).toBe(2);
    expect(moveIndex(1, -1, 3)).toBe(0);
  });
  it("from no selection, Down lands on the first and Up on the last", () => {
    expect(moveIndex(-1, 1, 3)).toBe(0);
    expect(moveIndex(-1, -1, 3)).toBe(2);
  });
  it("has nothing to select in an empty list", () => {
    expect(moveIndex(0, 1, 0)).toBe(-1);
    expect(moveIndex(-1, -1, 0)).toBe(-1);
  });
  it("wraps a single item onto itself", () => {
    expect(moveIndex(0, 1, 1)).toBe(0);
    expect(moveIndex(0, -1, 1)).toBe(0);
  });
});

describe("the palette's symbol search", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends only after a pause in typing, once, with the trimmed text", () => {
    createRoot((dispose) => {
      const { search, asked } = fakeSearch();
      const s = createSymbolSearch(search);
      s.setQuery("m");
      vi.advanceTimersByTime(SEARCH_DELAY_MS - 10);
      s.setQuery("ms");
      vi.advanceTimersByTime(SEARCH_DELAY_MS - 10);
      s.setQuery(" msf ");
      expect(search).not.toHaveBeenCalled();
      expect(s.status()).toBe("loading");
      vi.advanceTimersByTime(SEARCH_DELAY_MS);
      expect(asked.map((a) => a.query)).toEqual(["msf"]);
      dispose();
    });
  });

  it("shows the hits with the first selected", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("MSF");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].answer([hit("MSFT"), hit("MSFU")]);
    await flush();
    expect(s.status()).toBe("ready");
    expect(s.hits().map((h) => h.symbol)).toEqual(["MSFT", "MSFU"]);
    expect(s.answered()).toBe("MSF");
    expect(s.active()).toBe(0);
    expect(s.selected()?.symbol).toBe("MSFT");
  });

  it("drops an older query's answer that arrives after the newer one's", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    s.setQuery("AM");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[1].answer([hit("AMZN"), hit("AMD")]);
    await flush();
    asked[0].answer([hit("AAPL")]);
    await flush();
    expect(s.hits().map((h) => h.symbol)).toEqual(["AMZN", "AMD"]);
    expect(s.answered()).toBe("AM");
  });

  it("keeps the previous hits, not an older answer, while the newest query loads", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].answer([hit("AAPL")]);
    await flush();
    s.setQuery("AM");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    s.setQuery("AMZ");
    asked[1].answer([hit("AMD")]); // answers "AM", no longer the newest
    await flush();
    expect(s.status()).toBe("loading");
    expect(s.hits().map((h) => h.symbol)).toEqual(["AAPL"]);
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[2].answer([hit("AMZN")]);
    await flush();
    expect(s.hits().map((h) => h.symbol)).toEqual(["AMZN"]);
  });

  it("drops an older query's failure too", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    s.setQuery("AM");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[1].answer([hit("AMZN")]);
    await flush();
    asked[0].fail(network);
    await flush();
    expect(s.status()).toBe("ready");
    expect(s.error()).toBeNull();
  });

  it("clearing the box stops a pending query and drops its answer", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    s.setQuery("AB");
    s.setQuery("");
    vi.advanceTimersByTime(SEARCH_DELAY_MS * 2);
    expect(asked).toHaveLength(1);
    asked[0].answer([hit("AAPL")]);
    await flush();
    expect(s.status()).toBe("idle");
    expect(s.hits()).toEqual([]);
    expect(s.active()).toBe(-1);
  });

  it("does not search again when only spaces change", () => {
    const { search } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("MSFT");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    s.setQuery("MSFT ");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    expect(search).toHaveBeenCalledTimes(1);
    expect(s.query()).toBe("MSFT ");
  });

  it("says when nothing matches", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("ZZZZ");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].answer([]);
    await flush();
    expect(s.status()).toBe("ready");
    expect(s.hits()).toEqual([]);
    expect(s.active()).toBe(-1);
    expect(s.selected()).toBeUndefined();
  });

  it("shows a failure as an AppError, and Retry sends the same query at once", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("MSF");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].fail(network);
    await flush();
    expect(s.status()).toBe("error");
    expect(s.error()).toEqual(network);
    s.retry();
    expect(asked.map((a) => a.query)).toEqual(["MSF", "MSF"]);
    expect(s.status()).toBe("loading");
    expect(s.error()).toBeNull();
    asked[1].answer([hit("MSFT")]);
    await flush();
    expect(s.status()).toBe("ready");
    expect(s.selected()?.symbol).toBe("MSFT");
  });

  it("turns a non-AppError failure into one", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("MSF");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].fail(new TypeError("boom"));
    await flush();
    expect(s.error()?.code).toBe("unexpected");
  });

  it("moves the selection over the hits, wrapping, and follows the pointer", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].answer([hit("AAPL"), hit("AMZN"), hit("AMD")]);
    await flush();
    s.move(1);
    expect(s.selected()?.symbol).toBe("AMZN");
    s.move(1);
    s.move(1);
    expect(s.selected()?.symbol).toBe("AAPL");
    s.move(-1);
    expect(s.selected()?.symbol).toBe("AMD");
    s.setActive(1);
    expect(s.selected()?.symbol).toBe("AMZN");
    s.setActive(7);
    expect(s.active()).toBe(-1);
  });

  it("a new answer selects its first hit again", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].answer([hit("AAPL"), hit("AMZN")]);
    await flush();
    s.move(1);
    s.setQuery("AM");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[1].answer([hit("AMZN"), hit("AMD")]);
    await flush();
    expect(s.active()).toBe(0);
  });

  it("settled() gives the selected hit at once when the newest query is answered", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    await expect(s.settled()).resolves.toBeUndefined(); // nothing typed
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].answer([hit("AAPL"), hit("AMZN")]);
    await flush();
    s.move(1);
    await expect(s.settled()).resolves.toEqual(hit("AMZN"));
  });

  it("settled() waits for the newest query's answer, not the older hits on screen", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].answer([hit("AAPL")]);
    await flush();
    s.setQuery("MSFT");
    const picked = s.settled(); // Enter right after the last key
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[1].answer([hit("MSFT")]);
    await expect(picked).resolves.toEqual(hit("MSFT"));
  });

  it("settled() gives nothing on failure, no hits or dispose", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    const failed = s.settled();
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[0].fail(network);
    await expect(failed).resolves.toBeUndefined();

    s.setQuery("ZZZ");
    const none = s.settled();
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    asked[1].answer([]);
    await expect(none).resolves.toBeUndefined();

    s.setQuery("M");
    const gone = s.settled();
    s.dispose();
    await expect(gone).resolves.toBeUndefined();
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    expect(asked).toHaveLength(2); // the pending query was never sent
  });

  it("dispose drops an answer already on its way", async () => {
    const { search, asked } = fakeSearch();
    const s = createRoot(() => createSymbolSearch(search));
    s.setQuery("A");
    vi.advanceTimersByTime(SEARCH_DELAY_MS);
    s.dispose();
    asked[0].answer([hit("AAPL")]);
    await flush();
    expect(s.hits()).toEqual([]);
  });
});
