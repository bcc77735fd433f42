import { expect, it, vi } from "vitest";

// The wrappers for the account panels' commands, against a stand-in invoke.
const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke, Channel: class {} }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
const ipc = await import("../ipc");

it("positions and balances send the account id under the contract's name", async () => {
  invoke.mockResolvedValueOnce([]).mockResolvedValueOnce({});
  await ipc.positions("SIM-1");
  await ipc.balances("SIM-1");
  expect(invoke.mock.calls).toEqual([
    ["positions", { accountId: "SIM-1" }],
    ["balances", { accountId: "SIM-1" }],
  ]);
  invoke.mockRejectedValueOnce({ code: "validation", message: "not one of your accounts", retryable: false });
  await expect(ipc.positions("X")).rejects.toMatchObject({ code: "validation" });
});
