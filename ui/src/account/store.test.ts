import { createRoot, createSignal } from "solid-js";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AccountEventView, AppError, BalancesView, PositionView } from "../bindings";

// Rust is not here: the stores' IPC is stubbed, and each test answers by hand.
type Deferred<T> = { resolve: (v: T) => void; reject: (e: unknown) => void };
const answers = { positions: [] as Deferred<PositionView[]>[], balances: [] as Deferred<BalancesView>[] };
const streams = new Map<string, (e: AccountEventView) => void>(); // panel → its latest onEvent
const watchCalls: [string, string][] = [];
const later = <T>(list: Deferred<T>[]) =>
  new Promise<T>((resolve, reject) => {
    list.push({ resolve, reject });
  });
vi.mock("../ipc", () => ({
  positions: vi.fn(() => later(answers.positions)),
  balances: vi.fn(() => later(answers.balances)),
  watchAccount: vi.fn(async (panel: string, accountId: string, onEvent: (e: AccountEventView) => void) => {
    watchCalls.push([panel, accountId]);
    streams.set(panel, onEvent);
  }),
  watchQuotes: vi.fn(async () => 1),
  nextQuotes: vi.fn(async () => null),
  unwatchQuotes: vi.fn(async () => {}),
}));

const { createPositions, mergePosition } = await import("./positions");
const { createBalances, applyBalanceEvent } = await import("./balances");
const { createQuoteBook } = await import("../quotes/book");
const ipc = await import("../ipc");

const tick = () => new Promise((r) => setTimeout(r, 0));
const pos = (symbol: string, quantity: string, over: Partial<PositionView> = {}): PositionView => ({
  symbol,
  quantity,
  averagePrice: "10",
  marketValue: null,
  unrealizedPl: null,
  dailyPl: null,
  realizedPl: null,
  ...over,
});
const balances = (totalEquity: string): BalancesView => ({
  totalEquity,
  buyingPower: "1000",
  settledFunds: "500",
  unrealizedPl: "0",
  realizedPl: "0",
  startOfDayEquity: null,
  unsettledFunds: null,
  maintenanceRequirement: null,
});
const event = (position: PositionView): AccountEventView => ({ kind: "position", position });

beforeEach(() => {
  answers.positions.length = 0;
  answers.balances.length = 0;
  streams.clear();
  watchCalls.length = 0;
  vi.mocked(ipc.positions).mockClear();
});

describe("mergePosition", () => {
  it("replaces by symbol, adds new symbols, and removes a position that went flat", () => {
    const list = [pos("AAPL", "10"), pos("MSFT", "-5")];
    expect(mergePosition(list, pos("AAPL", "15")).map((p) => [p.symbol, p.quantity])).toEqual([
      ["AAPL", "15"],
      ["MSFT", "-5"],
    ]);
    expect(mergePosition(list, pos("SPY", "1")).map((p) => p.symbol)).toEqual(["AAPL", "MSFT", "SPY"]);
    expect(mergePosition(list, pos("MSFT", "0.000")).map((p) => p.symbol)).toEqual(["AAPL"]);
    expect(mergePosition(list, pos("NVDA", "0"))).toBe(list);
  });

  it("a balance event replaces the balances; other events leave them", () => {
    const before = balances("100");
    expect(applyBalanceEvent(before, { kind: "balance", balances: balances("120") })).toEqual(balances("120"));
    expect(applyBalanceEvent(before, event(pos("AAPL", "1")))).toBe(before);
  });
});

describe("the positions store", () => {
  it("subscribes, loads, and replays events that came during the load", async () => {
    await createRoot(async (dispose) => {
      const [account] = createSignal<string | null>("SIM-1");
      const store = createPositions(account, createQuoteBook());
      await tick();
      expect(watchCalls).toEqual([["positions", "SIM-1"]]);
      expect(store.loading()).toBe(true);
      // A fill arrives before positions() answers: it is not lost.
      streams.get("positions")?.(event(pos("AAPL", "15")));
      answers.positions[0].resolve([pos("AAPL", "10"), pos("MSFT", "-5"), pos("OLD", "0")]);
      await tick();
      expect(store.loading()).toBe(false);
      expect(store.loaded()).toBe(true);
      expect(store.positions().map((p) => [p.symbol, p.quantity])).toEqual([
        ["AAPL", "15"],
        ["MSFT", "-5"],
      ]);
      // Then events apply as they come; quantity 0 removes the row.
      streams.get("positions")?.(event(pos("MSFT", "0")));
      streams.get("positions")?.({ kind: "order", order: {} as never });
      expect(store.positions().map((p) => p.symbol)).toEqual(["AAPL"]);
      expect(store.totals().costBasis?.toFixed()).toBe("150");
      dispose();
    });
  });

  it("drops a late answer and late events for the account it left", async () => {
    await createRoot(async (dispose) => {
      const [account, setAccount] = createSignal<string | null>("SIM-1");
      const store = createPositions(account, createQuoteBook());
      await tick();
      const oldStream = streams.get("positions");
      setAccount("SIM-2");
      await tick();
      expect(store.account()).toBe("SIM-2");
      answers.positions[1].resolve([pos("MSFT", "3")]);
      await tick();
      answers.positions[0].resolve([pos("AAPL", "999")]); // SIM-1's answer, late
      oldStream?.(event(pos("TSLA", "1"))); // SIM-1's event, late
      await tick();
      expect(store.positions().map((p) => p.symbol)).toEqual(["MSFT"]);
      setAccount(null);
      await tick();
      expect(store.positions()).toEqual([]);
      expect(store.account()).toBeNull();
      dispose();
    });
  });

  it("shows an error with Retry, and reads again after a reconnect's snapshot", async () => {
    await createRoot(async (dispose) => {
      const [account] = createSignal<string | null>("SIM-1");
      const store = createPositions(account, createQuoteBook());
      await tick();
      const err: AppError = { code: "network", message: "Aries did not answer in time.", retryable: true };
      answers.positions[0].reject(err);
      await tick();
      expect(store.error()).toEqual(err);
      expect(store.loading()).toBe(false);
      store.retry();
      await tick();
      expect(store.error()).toBeNull();
      answers.positions[1].resolve([pos("AAPL", "10")]);
      await tick();
      expect(store.positions()).toHaveLength(1);
      // A snapshot means the stream reconnected and may have missed events: positions() again.
      streams.get("positions")?.({ kind: "snapshot", orders: [] });
      await tick();
      expect(ipc.positions).toHaveBeenCalledTimes(3);
      expect(store.positions()).toHaveLength(1); // kept on screen while it reloads
      answers.positions[2].resolve([pos("AAPL", "12"), pos("SPY", "1")]);
      await tick();
      expect(store.positions().map((p) => p.quantity)).toEqual(["12", "1"]);
      dispose();
    });
  });
});

describe("the balances store", () => {
  it("loads, then each balance event replaces the balances", async () => {
    await createRoot(async (dispose) => {
      const [account] = createSignal<string | null>("SIM-1");
      const store = createBalances(account);
      await tick();
      expect(watchCalls).toEqual([["balances", "SIM-1"]]);
      answers.balances[0].resolve(balances("100"));
      await tick();
      expect(store.balances()?.totalEquity).toBe("100");
      streams.get("balances")?.({ kind: "balance", balances: balances("101.5") });
      expect(store.balances()?.totalEquity).toBe("101.5");
      dispose();
    });
  });
});
