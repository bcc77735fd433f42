import { describe, expect, it } from "vitest";
import type { OrderView } from "../bindings";
import { appendPage, applyAccountEvent, mergeOrder, withHistory } from "./merge";

const order = (over: Partial<OrderView> = {}): OrderView => ({
  clOrdId: "C1",
  clientId: "intent-1",
  accountId: "SIM-1",
  symbol: "AAPL",
  side: "BUY",
  kind: "LIMIT",
  quantity: "10",
  filled: "0",
  averagePrice: null,
  limitPrice: "189.00",
  stopPrice: null,
  tif: "DAY",
  status: "NEW",
  working: true,
  reason: null,
  updatedAt: "2026-01-15T14:30:00Z",
  createdAt: "2026-01-15T14:30:00Z",
  ...over,
});

describe("applyAccountEvent", () => {
  it("a snapshot replaces the rows Aries reported", () => {
    const before = [order(), order({ clOrdId: "C2", clientId: "intent-2" })];
    const snapshot = [order({ clOrdId: "C9", clientId: "intent-9", symbol: "SPY" })];
    expect(applyAccountEvent(before, { kind: "snapshot", orders: snapshot })).toEqual(snapshot);
    expect(applyAccountEvent(before, { kind: "snapshot", orders: [] })).toEqual([]);
  });

  it("a snapshot never drops a row only the journal knows, until Aries lists that intent", () => {
    const unknown = order({ clOrdId: "", clientId: "intent-7", status: "UNKNOWN", reason: "The answer was lost." });
    const notPlaced = order({ clOrdId: "", clientId: "intent-8", status: "NOT_PLACED", working: false });
    const snapshot = [order({ clOrdId: "C9", clientId: "intent-9", symbol: "SPY" })];
    const after = applyAccountEvent([unknown, notPlaced, order()], { kind: "snapshot", orders: snapshot });
    expect(after).toEqual([unknown, notPlaced, ...snapshot]);
    // Aries's record of the unknown intent settles it: the row is Aries's now.
    const found = order({ clOrdId: "C7", clientId: "intent-7", status: "NEW" });
    const settled = applyAccountEvent(after, { kind: "snapshot", orders: [found] });
    expect(settled).toEqual([notPlaced, found]);
  });

  it("an order event updates the row with the same clOrdId", () => {
    const other = order({ clOrdId: "C2", clientId: "intent-2", symbol: "MSFT" });
    const next = applyAccountEvent([order(), other], {
      kind: "order",
      order: order({ status: "PARTIALLY_FILLED", filled: "4", updatedAt: "2026-01-15T14:30:01Z" }),
    });
    expect(next).toHaveLength(2);
    expect(next[0]).toMatchObject({ clOrdId: "C1", status: "PARTIALLY_FILLED", filled: "4" });
    expect(next[1]).toBe(other);
  });

  it("follows a replace chain by clientId: one row, keyed by the newest clOrdId", () => {
    let list: readonly OrderView[] = [order()];
    list = applyAccountEvent(list, {
      kind: "order",
      order: order({ clOrdId: "C1-R1", quantity: "20", updatedAt: "2026-01-15T14:31:00Z" }),
    });
    list = applyAccountEvent(list, {
      kind: "order",
      order: order({ clOrdId: "C1-R2", limitPrice: "188.00", updatedAt: "2026-01-15T14:32:00Z" }),
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ clOrdId: "C1-R2", limitPrice: "188.00" });
    // The next event for the newest id still lands on that row.
    list = applyAccountEvent(list, {
      kind: "order",
      order: order({
        clOrdId: "C1-R2",
        status: "FILLED",
        filled: "10",
        working: false,
        updatedAt: "2026-01-15T14:33:00Z",
      }),
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ clOrdId: "C1-R2", status: "FILLED", working: false });
  });

  it("a late event from before a replace does not roll the row back", () => {
    const replaced = order({ clOrdId: "C1-R1", updatedAt: "2026-01-15T14:31:00Z" });
    const late = order({ clOrdId: "C1", status: "PENDING_NEW", updatedAt: "2026-01-15T14:29:59Z" });
    expect(applyAccountEvent([replaced], { kind: "order", order: late })).toEqual([replaced]);
  });

  it("a lost answer's UNKNOWN row never hides the order Aries already showed for that intent", () => {
    // The stream can bring Aries's record before the lost place answer turns into an UNKNOWN row.
    const shown = [order({ clOrdId: "C7", clientId: "intent-7", status: "NEW" })];
    const doubt = order({ clOrdId: "", clientId: "intent-7", status: "UNKNOWN", working: false, updatedAt: null });
    expect(mergeOrder(shown, doubt)).toEqual(shown);
    // Before Aries shows it, the doubt is the row; Aries's record then replaces it.
    const doubted = mergeOrder([], doubt);
    expect(doubted).toEqual([doubt]);
    expect(mergeOrder(doubted, shown[0])).toEqual(shown);
  });

  it("Aries's record replaces the journal's UNKNOWN row though it is stamped before it", () => {
    // Aries books the order, then the answer is lost: the journal notes the doubt on this machine's
    // clock after Aries's booking time, and the two clocks cannot be compared anyway.
    const doubt = order({ clOrdId: "", clientId: "intent-9", status: "UNKNOWN", working: false,
      updatedAt: "2026-01-15T14:30:00.250Z" });
    const booked = order({ clOrdId: "C9", clientId: "intent-9", status: "NEW", updatedAt: "2026-01-15T14:30:00.000Z" });
    expect(applyAccountEvent([doubt], { kind: "order", order: booked })).toEqual([booked]);
    // Once Aries's record is the row, an older one of Aries's still does not roll it back.
    const pending = order({ clOrdId: "C9", clientId: "intent-9", status: "PENDING_NEW", updatedAt: "2026-01-15T13:00:00Z" });
    expect(mergeOrder([booked], pending)).toEqual([booked]);
  });

  it("a place answer arriving after the stream's fill never rolls the row back to unfilled", () => {
    const filled = order({ clOrdId: "C8", clientId: "intent-8", status: "FILLED", filled: "5", working: false });
    const ack = order({ clOrdId: "C8", clientId: "intent-8", status: "NEW", filled: "0", updatedAt: null });
    expect(mergeOrder([filled], ack)).toEqual([filled]);
    // A later fill of the same order still moves it on.
    const partly = order({ clOrdId: "C8", clientId: "intent-8", status: "PARTIALLY_FILLED", filled: "2", updatedAt: null });
    expect(mergeOrder([partly], filled)).toEqual([filled]);
  });

  it("adds an unknown order at the top", () => {
    const existing = order();
    const fresh = order({ clOrdId: "C2", clientId: "intent-2", symbol: "MSFT" });
    expect(applyAccountEvent([existing], { kind: "order", order: fresh })).toEqual([fresh, existing]);
  });

  it("does not merge different orders that merely share a missing or foreign clientId", () => {
    const a = order({ clientId: null });
    const b = order({ clOrdId: "C2", clientId: null });
    expect(mergeOrder([a], b)).toEqual([b, a]);
    // Another app may tag all its orders alike; a different symbol is a different order.
    const c = order({ clOrdId: "X1", clientId: "other-app" });
    const d = order({ clOrdId: "X2", clientId: "other-app", symbol: "MSFT" });
    expect(mergeOrder([c], d)).toEqual([d, c]);
  });

  it("position and balance events leave the list as it is", () => {
    const list = [order()];
    const position = {
      symbol: "AAPL",
      quantity: "10",
      averagePrice: "189.00",
      marketValue: null,
      unrealizedPl: null,
      dailyPl: null,
      realizedPl: null,
    };
    const balances = {
      totalEquity: "1000",
      buyingPower: "1000",
      settledFunds: null,
      unrealizedPl: null,
      realizedPl: null,
      startOfDayEquity: null,
      unsettledFunds: null,
      maintenanceRequirement: null,
    };
    expect(applyAccountEvent(list, { kind: "position", position })).toBe(list);
    expect(applyAccountEvent(list, { kind: "balance", balances })).toBe(list);
  });
});

describe("history", () => {
  it("pages append in order and a row already held is not added twice", () => {
    const page1 = [order({ clOrdId: "H3" }), order({ clOrdId: "H2" })];
    const page2 = [order({ clOrdId: "H2" }), order({ clOrdId: "H1" })];
    expect(appendPage(appendPage([], page1), page2).map((o) => o.clOrdId)).toEqual(["H3", "H2", "H1"]);
  });

  it("today's live rows win; history adds only orders not already shown, even across a replace", () => {
    const today = [
      order({ clOrdId: "T2", clientId: "intent-2", status: "PARTIALLY_FILLED" }),
      order({ clOrdId: "web-1", clientId: null, symbol: "SPY" }),
    ];
    const history = [
      order({ clOrdId: "T2", clientId: "intent-2", status: "NEW" }), // today's, as the history had it
      order({ clOrdId: "T1", clientId: "intent-2" }), // the same intent before its replace
      order({ clOrdId: "OLD", clientId: "intent-0", status: "FILLED" }),
      order({ clOrdId: "web-0", clientId: null, symbol: "SPY", status: "CANCELED" }),
    ];
    const rows = withHistory(today, history);
    expect(rows.map((o) => [o.clOrdId, o.status])).toEqual([
      ["T2", "PARTIALLY_FILLED"],
      ["web-1", "NEW"],
      ["OLD", "FILLED"],
      ["web-0", "CANCELED"],
    ]);
    expect(withHistory(today, [])).toBe(today);
  });
});
