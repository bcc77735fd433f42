import { For, Show } from "solid-js";
import type { AccountView, BalancesView } from "../bindings";
import { AccountPanelTitle } from "../ui/AccountTag";
import { ErrorNote } from "../ui/ErrorNote";
import type { BalancesStore } from "./balances";
import { type Decimal, parse } from "./decimal";
import * as fmt from "./money";

type Line = {
  /** data-testid="balance-<field>": the BalancesView field, or dayPl (equity less start-of-day equity). */
  field: keyof BalancesView | "dayPl";
  label: string;
  title: string;
  signed?: boolean;
};

const LINES: readonly Line[] = [
  { field: "totalEquity", label: "Equity", title: "Total equity: cash plus the value of the positions" },
  {
    field: "settledFunds",
    label: "Cash (settled)",
    title: "Settled cash: start-of-day cash less today's purchases; today's sales settle later",
  },
  { field: "buyingPower", label: "Buying power", title: "Net buying power: what Aries lets you spend now" },
  {
    field: "dayPl",
    label: "Day P&L",
    title:
      "Equity less the start-of-day equity Aries reports; where Aries sends none, the open positions' day P&L at live prices (marked ≈)",
    signed: true,
  },
  { field: "unsettledFunds", label: "Unsettled cash", title: "Proceeds of sales that have not settled yet" },
  {
    field: "maintenanceRequirement",
    label: "Maintenance req.",
    title: "The equity the account must keep for its margin positions",
  },
  { field: "unrealizedPl", label: "Unrealized P&L", title: "Unrealized P&L of the open positions, as Aries reports it", signed: true },
  { field: "realizedPl", label: "Realized P&L", title: "Realized P&L, as Aries reports it", signed: true },
];

/** The selected account's balances, with its SIM or LIVE mark. */
export function Balances(props: {
  store: BalancesStore;
  account: AccountView | undefined;
  /** The open positions' day P&L, from the positions panel's figures. */
  dayPl: Decimal | null;
  /** Some position's day P&L is only an estimate. */
  dayEstimated?: boolean;
}) {
  /** Today's P&L of the whole account, exact, when Aries reports the start-of-day equity. */
  const accountDayPl = (): Decimal | null => {
    const b = props.store.balances();
    const equity = parse(b?.totalEquity);
    const start = parse(b?.startOfDayEquity);
    return equity && start ? equity.minus(start) : null;
  };
  const value = (field: Line["field"]): Decimal | null => {
    if (field === "dayPl") return accountDayPl() ?? props.dayPl;
    const b = props.store.balances();
    return b ? parse(b[field]) : null;
  };
  return (
    <section
      class="panel balances"
      classList={{ "acct-sim": props.account?.isSim === true, "acct-live": props.account?.isSim === false }}
      aria-label="Balances"
      data-testid="balances"
    >
      <AccountPanelTitle title="Balances" account={props.account} />
      <ErrorNote error={props.store.error()} onRetry={props.store.retry} testId="balances-error" />
      <Show when={props.store.balances()}>
        <dl class="figures balance-figures">
          <For each={LINES}>
            {(line) => (
              <>
                <dt title={line.title}>{line.label}</dt>
                <dd
                  data-testid={`balance-${line.field}`}
                  data-value={value(line.field)?.toFixed() ?? ""}
                  class={line.signed ? (fmt.tone(value(line.field)) ?? "") : ""}
                >
                  {line.field === "dayPl" && !accountDayPl() && (props.dayEstimated || props.dayPl) ? "≈ " : ""}
                  {line.signed ? fmt.pl(value(line.field)) : fmt.money(value(line.field))}
                </dd>
              </>
            )}
          </For>
        </dl>
      </Show>
      <Show when={!props.account}>
        <p class="empty">Choose an account to see its balances.</p>
      </Show>
      <Show when={props.store.loading()}>
        <p class="empty">Loading balances…</p>
      </Show>
    </section>
  );
}
