// The selected account's balances: balances(accountId), then every balance
// event of the account stream replaces them whole.
import type { AccountEventView, BalancesView } from "../bindings";
import * as ipc from "../ipc";
import { createAccountStore } from "./store";

/** Applies one account event; a balance event replaces the balances. */
export function applyBalanceEvent(current: BalancesView | null, event: AccountEventView): BalancesView | null {
  return event.kind === "balance" ? event.balances : current;
}

export type BalancesStore = ReturnType<typeof createBalances>;

export function createBalances(accountId: () => string | null) {
  const store = createAccountStore<BalancesView | null>({
    panel: "balances",
    accountId,
    empty: null,
    load: ipc.balances,
    apply: applyBalanceEvent,
  });
  return { ...store, balances: store.data };
}
