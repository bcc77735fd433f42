import { describe, expect, it } from "vitest";
import type { AccountView } from "../bindings";
import { pickAccount } from "./pick";

const account = (id: string, isSim: boolean, status = "ACTIVE"): AccountView => ({
  id,
  name: `Individual ••${id}`,
  isSim,
  status,
  kind: "INDIVIDUAL",
});

describe("pickAccount", () => {
  it("chooses a sim account even when a live one comes first", () => {
    expect(pickAccount([account("L1", false), account("S1", true)], null)).toBe("S1");
  });
  it("prefers an active sim account", () => {
    expect(pickAccount([account("S0", true, "CLOSED"), account("S1", true)], null)).toBe("S1");
    expect(pickAccount([account("S0", true, "CLOSED")], null)).toBe("S0");
  });
  it("never chooses a live account by itself", () => {
    expect(pickAccount([account("L1", false), account("L2", false)], null)).toBeNull();
    expect(pickAccount([], null)).toBeNull();
  });
  it("keeps the user's choice, live included, while it exists", () => {
    const list = [account("S1", true), account("L1", false)];
    expect(pickAccount(list, "L1")).toBe("L1");
    expect(pickAccount([account("S1", true)], "L1")).toBe("S1");
  });
});
