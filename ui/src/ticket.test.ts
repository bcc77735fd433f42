import { describe, expect, it } from "vitest";
import type { OrderKind } from "./bindings";
import { checkTicket, positiveDecimalError, type TicketDraft } from "./ticket";

const draft = (over: Partial<TicketDraft> = {}): TicketDraft => ({
  accountId: "SIM-1",
  symbol: "AAPL",
  side: "BUY",
  kind: "MARKET",
  quantity: "10",
  limitPrice: "",
  stopPrice: "",
  tif: "DAY",
  ...over,
});

function errorsOf(over: Partial<TicketDraft>) {
  const result = checkTicket(draft(over));
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(over)}`);
  return result.errors;
}

describe("required prices by kind", () => {
  const cases: [OrderKind, boolean, boolean][] = [
    ["MARKET", false, false],
    ["LIMIT", true, false],
    ["STOP", false, true],
    ["STOP_LIMIT", true, true],
  ];
  it.each(cases)("%s: limit required %s, stop required %s", (kind, limit, stop) => {
    const result = checkTicket(draft({ kind }));
    expect(result.ok).toBe(!limit && !stop);
    if (!result.ok) {
      expect(result.errors.limitPrice !== undefined).toBe(limit);
      expect(result.errors.stopPrice !== undefined).toBe(stop);
    }
    const filled = checkTicket(draft({ kind, limitPrice: "189.50", stopPrice: "185" }));
    expect(filled.ok).toBe(true);
    if (filled.ok) {
      expect(filled.ticket.limitPrice).toBe(limit ? "189.50" : null);
      expect(filled.ticket.stopPrice).toBe(stop ? "185" : null);
    }
  });

  it("never sends a price the kind does not use, even a bad one left in a hidden field", () => {
    const result = checkTicket(draft({ kind: "MARKET", limitPrice: "abc", stopPrice: "-1" }));
    expect(result).toEqual({
      ok: true,
      ticket: {
        accountId: "SIM-1",
        symbol: "AAPL",
        side: "BUY",
        kind: "MARKET",
        quantity: "10",
        limitPrice: null,
        stopPrice: null,
        tif: "DAY",
      },
    });
  });
});

describe("decimals", () => {
  it.each(["1e3", "-5", "+5", "1,000", "12.", ".5", "1.2.3", "abc", "0x10", "10 000", "NaN", "Infinity"])(
    "rejects %j as a price or quantity",
    (text) => {
      expect(errorsOf({ quantity: text }).quantity).toMatch(/plain number|more than zero/);
      expect(errorsOf({ kind: "LIMIT", limitPrice: text }).limitPrice).toBeDefined();
      expect(errorsOf({ kind: "STOP", stopPrice: text }).stopPrice).toBeDefined();
    },
  );

  it("rejects an absurdly long number", () => {
    expect(positiveDecimalError("1".repeat(21), "quantity")).toMatch(/plain number/);
    expect(positiveDecimalError("1".repeat(20), "quantity")).toBeNull();
  });

  it("accepts plain decimals and trims surrounding spaces", () => {
    const result = checkTicket(draft({ kind: "LIMIT", quantity: " 0.5 ", limitPrice: "0.0001" }));
    expect(result.ok && result.ticket.quantity).toBe("0.5");
    expect(result.ok && result.ticket.limitPrice).toBe("0.0001");
  });
});

describe("quantity", () => {
  it.each(["0", "0.0", "000.000"])("rejects zero (%j)", (quantity) => {
    expect(errorsOf({ quantity }).quantity).toBe("The quantity must be more than zero.");
  });
  it.each(["-1", "-0.5"])("rejects a negative quantity (%j)", (quantity) => {
    expect(errorsOf({ quantity }).quantity).toMatch(/plain number/);
  });
  it("asks for a missing quantity", () => {
    expect(errorsOf({ quantity: "  " }).quantity).toBe("Enter a quantity.");
  });
  it("rejects a zero limit price", () => {
    expect(errorsOf({ kind: "LIMIT", limitPrice: "0.00" }).limitPrice).toBe("The limit price must be more than zero.");
  });
});

describe("account and symbol", () => {
  it("needs an account", () => {
    expect(errorsOf({ accountId: "" }).accountId).toBe("Choose an account.");
  });
  it("upper-cases and trims the symbol", () => {
    const result = checkTicket(draft({ symbol: " msft " }));
    expect(result.ok && result.ticket.symbol).toBe("MSFT");
  });
  it("rejects an empty or impossible symbol", () => {
    expect(errorsOf({ symbol: "" }).symbol).toBe("Enter a symbol.");
    expect(errorsOf({ symbol: "AA PL" }).symbol).toBe("That is not a ticker symbol.");
    expect(errorsOf({ symbol: "A".repeat(22) }).symbol).toBe("That is not a ticker symbol.");
  });
  it("reports every problem at once", () => {
    expect(Object.keys(errorsOf({ accountId: "", symbol: "", kind: "STOP_LIMIT", quantity: "0" })).sort()).toEqual([
      "accountId",
      "limitPrice",
      "quantity",
      "stopPrice",
      "symbol",
    ]);
  });
});
