import type { AccountView } from "../bindings";

/** SIM or LIVE, coloured so a live account is never mistaken for a simulated one. */
export function AccountTag(props: { account: AccountView }) {
  return (
    <span class="acct-tag" classList={{ sim: props.account.isSim, live: !props.account.isSim }}>
      {props.account.isSim ? "SIM" : "LIVE"}
    </span>
  );
}
