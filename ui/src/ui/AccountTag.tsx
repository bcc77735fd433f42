import { Show } from "solid-js";
import type { AccountView } from "../bindings";

/** SIM or LIVE, coloured so a live account is never mistaken for a simulated one. */
export function AccountTag(props: { account: AccountView }) {
  return (
    <span class="acct-tag" classList={{ sim: props.account.isSim, live: !props.account.isSim }}>
      {props.account.isSim ? "SIM" : "LIVE"}
    </span>
  );
}

/** A panel's heading with the account it shows, SIM or LIVE marked. */
export function AccountPanelTitle(props: { title: string; account: AccountView | undefined }) {
  return (
    <h2 class="panel-title">
      <span>{props.title}</span>
      <Show when={props.account}>
        {(a) => (
          <>
            <AccountTag account={a()} />
            <span class="acct-name">{a().name}</span>
          </>
        )}
      </Show>
    </h2>
  );
}
