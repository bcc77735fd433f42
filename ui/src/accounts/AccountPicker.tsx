import { For, Show } from "solid-js";
import type { AccountView } from "../bindings";
import { AccountTag } from "../ui/AccountTag";

export function AccountPicker(props: {
  accounts: readonly AccountView[];
  selected: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <nav class="accounts" aria-label="Accounts">
      <For each={props.accounts}>
        {(account) => (
          <button
            type="button"
            class="account"
            classList={{ selected: account.id === props.selected, sim: account.isSim, live: !account.isSim }}
            aria-pressed={account.id === props.selected}
            data-testid={`account-${account.id}`}
            onClick={() => props.onSelect(account.id)}
          >
            <AccountTag account={account} />
            <span>{account.name}</span>
            <Show when={account.status !== "ACTIVE"}>
              <span class="muted">{account.status}</span>
            </Show>
          </button>
        )}
      </For>
      <Show when={props.accounts.length === 0}>
        <span class="muted">No trading accounts on this sign-in.</span>
      </Show>
      <Show when={props.selected === null && props.accounts.length > 0}>
        <span class="hint">Choose an account to trade.</span>
      </Show>
    </nav>
  );
}
