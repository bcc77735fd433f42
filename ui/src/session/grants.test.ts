import { createRoot, createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import type { BalancesView, PositionView } from "../bindings";

// Rust is not here: a panel's IPC is stubbed, to see whether it is called at all.
vi.mock("../ipc", () => ({
  balances: vi.fn(async () => ({}) as BalancesView),
  positions: vi.fn(async () => [] as PositionView[]),
  listOrders: vi.fn(async () => []),
  watchAccount: vi.fn(async () => {}),
  watchQuotes: vi.fn(async () => 1),
  nextQuotes: vi.fn(async () => null),
  unwatchQuotes: vi.fn(async () => {}),
}));

const { allowedAccount, missing } = await import("./grants");
const { createBalances } = await import("../account/balances");
const { createBlotter } = await import("../orders/blotter");
const { watchSymbols } = await import("../quotes/watch");
const { createQuoteBook } = await import("../quotes/book");
const { DEFAULT_SCOPES } = await import("./scopes");
const { CONNECTION_LABEL, socketShown } = await import("./connection");
const ipc = await import("../ipc");

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("what a sign-in's scopes allow", () => {
  it("allows everything with the default scopes", () => {
    for (const f of ["trade", "balances", "positions", "orders", "market", "accountStream"] as const) {
      expect(missing(DEFAULT_SCOPES, f)).toBeNull();
    }
  });

  it("makes a session without order:execution read-only and says how to trade", () => {
    const reason = missing(["account:information", "market:information"], "trade");
    expect(reason).toContain("read-only");
    expect(reason).toContain("order:execution");
    expect(reason).toContain("sign in again");
  });

  it("shows a socket the scopes do not allow as not permitted, whatever else is reported", () => {
    const readOnly = ["user:information", "account:information", "order:information"];
    expect(socketShown(readOnly, "market", "offline")).toBe("notPermitted");
    expect(socketShown(readOnly, "accountStream", "live")).toBe("live");
    expect(socketShown(["market:information"], "accountStream", "connecting")).toBe("notPermitted");
    expect(socketShown(DEFAULT_SCOPES, "market", "reconnecting")).toBe("reconnecting");
    expect(CONNECTION_LABEL.notPermitted).toMatch(/not permitted/i);
  });

  it("names the missing permission of each panel", () => {
    expect(missing(["user:information"], "balances")).toContain("account:information");
    expect(missing(["user:information"], "market")).toContain("market:information");
    expect(missing(["user:information"], "orders")).toContain("order:information");
    expect(missing(["user:information"], "positions")).toContain("position:information");
  });

  it("reads positions with either position:information or account:information", () => {
    expect(missing(["position:information"], "positions")).toBeNull();
    expect(missing(["account:information"], "positions")).toBeNull();
  });
});

describe("a panel the scopes do not allow asks nothing of Aries", () => {
  it("loads balances and the blotter only when allowed, and again when the scopes change", async () => {
    vi.clearAllMocks();
    const [scopes, setScopes] = createSignal<readonly string[]>(["user:information", "market:information"]);
    const dispose = createRoot((dispose) => {
      createBalances(allowedAccount(scopes, "balances", () => "ACC1"));
      createBlotter(allowedAccount(scopes, "orders", () => "ACC1"));
      return dispose;
    });
    await tick();
    expect(ipc.balances).not.toHaveBeenCalled();
    expect(ipc.listOrders).not.toHaveBeenCalled();
    expect(ipc.watchAccount).not.toHaveBeenCalled();

    setScopes(DEFAULT_SCOPES);
    await tick();
    await tick();
    expect(ipc.balances).toHaveBeenCalledWith("ACC1");
    expect(ipc.listOrders).toHaveBeenCalledWith("ACC1");
    dispose();
  });

  it("subscribes no quotes without market:information", async () => {
    vi.clearAllMocks();
    const scopes = ["account:information"];
    const dispose = createRoot((dispose) => {
      watchSymbols(createQuoteBook(), () => (missing(scopes, "market") ? [] : ["AAPL"]), "watchlist");
      return dispose;
    });
    await tick();
    expect(ipc.watchQuotes).not.toHaveBeenCalled();
    expect(ipc.unwatchQuotes).toHaveBeenCalledWith("watchlist");
    dispose();
  });
});
