import { describe, expect, it } from "vitest";
import type { CancelReport, OrderView } from "../bindings";
import { reportText } from "./CancelAll";
import { changesOf } from "./ModifyOrder";
import { cancelable, inTab, keepSelection, moveSelection, rowKey } from "./select";

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

const working = order();
const filled = order({ clOrdId: "F", clientId: "intent-f", status: "FILLED", working: false });
const canceled = order({ clOrdId: "X", clientId: "intent-x", status: "CANCELED", working: false });
const rejected = order({ clOrdId: "R", clientId: "intent-r", status: "REJECTED", working: false });
const unknown = order({ clOrdId: "", clientId: "intent-9", status: "UNKNOWN", working: true });
const rows = [working, filled, canceled, rejected, unknown];

describe("tabs", () => {
  it("each row is in the tab of its state; UNKNOWN stays under Working", () => {
    const keys = (tab: Parameters<typeof inTab>[1]) => rows.filter((o) => inTab(o, tab)).map(rowKey);
    expect(keys("working")).toEqual(["C1", "intent:intent-9"]);
    expect(keys("filled")).toEqual(["F"]);
    expect(keys("closed")).toEqual(["X", "R"]);
    expect(keys("all")).toHaveLength(5);
  });

  it("cancel all names only orders Aries has working, never an UNKNOWN one", () => {
    expect(cancelable(rows).map(rowKey)).toEqual(["C1"]);
  });
});

describe("keyboard selection", () => {
  it("moves one row, stops at the ends, and starts from the first or last", () => {
    expect(moveSelection(rows, null, 1)).toBe("C1");
    expect(moveSelection(rows, null, -1)).toBe("intent:intent-9");
    expect(moveSelection(rows, "C1", 1)).toBe("F");
    expect(moveSelection(rows, "C1", -1)).toBe("C1");
    expect(moveSelection(rows, "intent:intent-9", 1)).toBe("intent:intent-9");
    expect(moveSelection(rows, "gone", 1)).toBe("C1");
    expect(moveSelection([], "C1", 1)).toBeNull();
  });

  it("follows the order to its new clOrdId after a replace, and drops a row that left", () => {
    const after = [order({ clOrdId: "C2", quantity: "5" }), filled];
    expect(keepSelection(after, "C1", working)).toBe("C2");
    expect(keepSelection(after, "F", filled)).toBe("F");
    expect(keepSelection([filled], "C1", working)).toBeNull();
    expect(keepSelection(after, "web", order({ clOrdId: "web", clientId: null }))).toBeNull();
  });
});

describe("modify", () => {
  it("sends only what changed, trimmed; nothing changed is no change", () => {
    const typed = (quantity: string, limitPrice: string) => ({ quantity, limitPrice, stopPrice: "" });
    expect(changesOf(working, typed(" 12 ", "189.00"))).toEqual({ quantity: "12", limitPrice: null, stopPrice: null });
    expect(changesOf(working, typed("10", "190.5"))).toEqual({ quantity: null, limitPrice: "190.5", stopPrice: null });
    expect(changesOf(working, typed("10", "189.00"))).toBeNull();
    expect(changesOf(working, typed("", ""))).toBeNull();
  });
});

describe("cancel all report", () => {
  const report = (over: Partial<CancelReport>): CancelReport => ({ clOrdId: "C1", result: null, error: null, ...over });
  it("says per order what happened, and never calls a lost answer a failure to retry", () => {
    expect(reportText(report({ result: { outcome: "accepted", order: canceled } }))).toEqual({
      text: "canceled (CANCELED)",
      ok: true,
    });
    expect(reportText(report({ result: { outcome: "rejected", reason: "TOO_LATE" } })).text).toBe(
      "cancel refused: TOO_LATE",
    );
    const lost = reportText(report({ result: { outcome: "unknown", clientId: "C1", message: "…", order: null } }));
    expect(lost.text).toMatch(/^UNKNOWN.*not sent again/);
    const error = { code: "order.not_working", message: "no longer working", retryable: false };
    expect(reportText(report({ error })).text).toBe("not canceled: no longer working");
  });
});
