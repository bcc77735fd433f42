import { For, Show } from "solid-js";
import type { AccountView, OrderTicket, PreviewView } from "../bindings";
import { DASH } from "../format";
import { AccountTag } from "../ui/AccountTag";
import { ErrorNote } from "../ui/ErrorNote";
import type { Action } from "../ui/action";
import { kindLabel, priceLabel } from "./describe";

/**
 * The explicit confirmation step between a preview and a placed order. It is
 * not part of the ticket's form, so Enter in the form cannot reach it. The
 * panel (not its Confirm button) takes the focus when shown; Escape goes Back.
 */
export function ConfirmPanel(props: {
  ref: (el: HTMLDivElement) => void;
  ticket: OrderTicket;
  preview: PreviewView;
  account: AccountView | undefined;
  place: Action<[OrderTicket, string], unknown>;
  onConfirm: () => void;
  onBack: () => void;
}) {
  const t = () => props.ticket;
  return (
    <div
      ref={props.ref}
      class="confirm"
      classList={{ live: props.account ? !props.account.isSim : true }}
      data-testid="confirm-panel"
      tabindex="-1"
      role="group"
      aria-label="Confirm the order"
      onKeyDown={(e) => {
        if (e.key !== "Escape" || props.place.pending()) return;
        e.preventDefault();
        props.onBack();
      }}
    >
      <h3>
        <span classList={{ buy: t().side === "BUY", sell: t().side === "SELL" }}>{t().side}</span> {t().quantity}{" "}
        {t().symbol} {kindLabel(t().kind)} {t().kind === "MARKET" ? "" : priceLabel(t())} {t().tif}
      </h3>
      <p class="confirm-account">
        <Show when={props.account} fallback={<span>{t().accountId}</span>}>
          {(account) => (
            <>
              <AccountTag account={account()} /> <span>{account().name}</span>
              <Show when={!account().isSim}>
                <strong class="live-warning"> Real money</strong>
              </Show>
            </>
          )}
        </Show>
      </p>
      <dl class="figures">
        <dt>Estimated cost</dt>
        <dd data-testid="estimated-cost">{props.preview.estimatedCost ?? DASH}</dd>
        <dt>Commission</dt>
        <dd>{props.preview.commission ?? DASH}</dd>
        <dt>Buying-power impact</dt>
        <dd>{props.preview.buyingPowerImpact ?? DASH}</dd>
      </dl>
      <Show when={props.preview.warnings.length > 0}>
        <ul class="warnings">
          <For each={props.preview.warnings}>{(w) => <li>{w}</li>}</For>
        </ul>
      </Show>
      {/* Retrying goes through onConfirm so its result is handled; the clientId is the same, so Rust never sends twice. */}
      <ErrorNote error={props.place.error()} onRetry={props.onConfirm} testId="place-error" />
      <div class="actions">
        <button type="button" disabled={props.place.pending()} onClick={() => props.onBack()} data-testid="back">
          Back
        </button>
        <button
          type="button"
          class="primary"
          classList={{ buy: t().side === "BUY", sell: t().side === "SELL" }}
          data-testid="confirm"
          disabled={props.place.pending()}
          onClick={() => props.onConfirm()}
        >
          {props.place.pending() ? "Sending…" : `Confirm ${t().side}`}
        </button>
      </div>
    </div>
  );
}
