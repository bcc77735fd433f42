import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Command, QuoteBatch, StreamsView } from "./bindings";
import { columnsOf, quote } from "./quotes/fixtures";

// The Tauri runtime is not here: stand in for invoke and Channel to see exactly
// what the wrappers send and how they turn failures into AppErrors.
const invoke = vi.fn();
class FakeChannel<T> {
  onmessage: (message: T) => void = () => {};
}
vi.mock("@tauri-apps/api/core", () => ({ invoke, Channel: FakeChannel }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));

const ipc = await import("./ipc");

const ticket = {
  accountId: "SIM-1",
  symbol: "AAPL",
  side: "BUY",
  kind: "LIMIT",
  quantity: "1",
  limitPrice: "189.00",
  stopPrice: null,
  tif: "DAY",
} as const;

beforeEach(() => {
  invoke.mockReset(); // braces: a function returned from beforeEach would run as a teardown
});

describe("ipc", () => {
  it("names only commands Rust registers (bindings/commands.ts); a typo fails the typecheck", () => {
    // @ts-expect-error: not a command of the contract (npm run typecheck fails if this ever compiles)
    const typo: Command = "place_orders";
    const known: Command = "place_order";
    expect([typo, known]).toEqual(["place_orders", "place_order"]);
  });

  it("sends each command's arguments under the contract's names", async () => {
    invoke.mockResolvedValue({ outcome: "rejected", reason: "x" });
    await ipc.placeOrder(ticket, "cid-1");
    await ipc.cancelOrder("SIM-1", "C1");
    await ipc.setRedirect("loopback");
    await ipc.setNotifications(false);
    expect(invoke.mock.calls).toEqual([
      ["place_order", { ticket, clientId: "cid-1" }],
      ["cancel_order", { accountId: "SIM-1", clOrdId: "C1" }],
      ["set_redirect", { redirect: "loopback" }],
      ["set_notifications", { enabled: false }],
    ]);
  });

  it("decodes chart_history's binary answer into columns; anything else is an AppError", async () => {
    // A header alone: no bars (chart/columns.test.ts reads real bars).
    const none = new Uint8Array([66, 65, 82, 83, 1, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0]).buffer;
    invoke.mockResolvedValue(none);
    const columns = await ipc.chartHistory("AAPL", "5", 1_700_000_000, 1_700_090_000);
    expect(invoke.mock.calls).toEqual([
      ["chart_history", { symbol: "AAPL", resolution: "5", from: 1_700_000_000, to: 1_700_090_000 }],
    ]);
    expect(columns.time.length).toBe(0);
    invoke.mockResolvedValue([{ time: 1, open: 1, high: 1, low: 1, close: 1, volume: null }]);
    await expect(ipc.chartHistory("AAPL", "5", 0, 1)).rejects.toMatchObject({
      code: "unexpected",
      message: expect.stringContaining("not a bar-columns answer"),
    });
  });

  it("rejects with Rust's AppError as it came", async () => {
    const err = { code: "validation", message: "Enter a limit price.", retryable: false };
    invoke.mockRejectedValue(err);
    await expect(ipc.previewOrder(ticket)).rejects.toBe(err);
  });

  it("turns any other rejection into an AppError with code unexpected", async () => {
    invoke.mockRejectedValue("command list_orders not allowed");
    await expect(ipc.listOrders("SIM-1")).rejects.toMatchObject({
      code: "unexpected",
      retryable: false,
      message: expect.stringContaining("command list_orders not allowed"),
    });
  });

  it("subscribes a panel, then pulls the window's batches as rows", async () => {
    invoke.mockResolvedValueOnce(null);
    await ipc.watchQuotes("chart", ["AAPL"]);
    expect(invoke.mock.calls[0]).toEqual(["watch_quotes", { panel: "chart", symbols: ["AAPL"] }]);
    const aapl = quote("AAPL", { last: 187.5 });
    const batch: QuoteBatch = { quotes: columnsOf([aapl]), connection: "live", sentAtMs: 1_700_000_000_000 };
    invoke.mockResolvedValueOnce(batch);
    expect(await ipc.nextQuotes()).toEqual({ quotes: [aapl], connection: "live", sentAtMs: 1_700_000_000_000 });
    expect(invoke.mock.calls[1]).toEqual(["next_quotes", undefined]);
    invoke.mockResolvedValueOnce(null);
    expect(await ipc.nextQuotes()).toBeNull(); // the session ended
  });

  it("hands both sockets' states from the Channel to the callback", async () => {
    invoke.mockResolvedValue(null);
    const seen: StreamsView[] = [];
    await ipc.watchStreams("header", (s) => seen.push(s));
    const [command, args] = invoke.mock.calls[0];
    expect(command).toBe("watch_streams");
    expect(args.panel).toBe("header");
    const streams: StreamsView = { market: { state: "live", reconnects: 0 }, account: { state: "reconnecting", reconnects: 2 } };
    (args.onState as FakeChannel<StreamsView>).onmessage(streams);
    expect(seen).toEqual([streams]);
  });
});
