import { For, Show, createEffect, createMemo, createSignal, on } from "solid-js";
import { createStore } from "solid-js/store";
import type { AccountView, OrderView, OrderTicket as Ticket, PlaceResult, PreviewView } from "../bindings";
import { toAppError } from "../errors";
import { freshness } from "../hud/freshness";
import * as ipc from "../ipc";
import {
  ORDER_KINDS,
  checkTicket,
  needsLimitPrice,
  needsStopPrice,
  type TicketDraft,
  type TicketField,
} from "../ticket";
import { AccountTag } from "../ui/AccountTag";
import { ErrorNote } from "../ui/ErrorNote";
import { createAction } from "../ui/action";
import type { TicketPrefill } from "../account/pnl";
import type { Blotter } from "./blotter";
import { ConfirmPanel } from "./ConfirmPanel";
import { kindLabel } from "./describe";

/** Lets the desk's `t` key put the focus on the ticket. */
export type TicketFocus = { focus: () => void };

type Outcome = { tone: "ok" | "bad" | "warn"; text: string };
type Previewed = { ticket: Ticket; view: PreviewView };

/** What a lookup of an order whose answer was lost found, in the ticket's words. */
function checked(row: OrderView, what: string): Outcome {
  if (row.status === "NOT_PLACED")
    return { tone: "bad", text: `Not placed: Aries never received ${what}. Preview it again to send it.` };
  return { tone: "ok", text: `Aries has the order ${what} (${row.status}).` };
}

export function OrderTicket(props: {
  accounts: readonly AccountView[];
  accountId: string | null;
  onAccount: (id: string) => void;
  picked: string | null;
  /** An order to put on the form (a position's Close): filled in, validated as typed, never sent by itself. */
  prefill?: TicketPrefill | null;
  blotter: Blotter;
  /** Why this session cannot trade (no `order:execution`): the ticket is disabled and says so. */
  readOnly?: string | null;
  focusRef?: (f: TicketFocus) => void;
}) {
  const [draft, setDraft] = createStore<Omit<TicketDraft, "accountId">>({
    symbol: "",
    side: "BUY",
    kind: "LIMIT",
    quantity: "",
    limitPrice: "",
    stopPrice: "",
    tif: "DAY",
  });
  const [touched, setTouched] = createStore<Partial<Record<TicketField, boolean>>>({});
  const [attempted, setAttempted] = createSignal(false);
  const [previewed, setPreviewed] = createSignal<Previewed | null>(null);
  const [outcome, setOutcome] = createSignal<Outcome | null>(null);
  const preview = createAction(ipc.previewOrder);
  // Timed from Confirm to Aries's answer for the freshness readout.
  const place = createAction(freshness.timed(ipc.placeOrder));

  const check = createMemo(() => checkTicket({ ...draft, accountId: props.accountId ?? "" }));
  const fieldError = (field: TicketField) => {
    const c = check();
    return !c.ok && (touched[field] || attempted()) ? c.errors[field] : undefined;
  };
  const locked = () => previewed() !== null || preview.pending();
  let symbolBox!: HTMLInputElement;
  let quantityBox!: HTMLInputElement;
  let previewButton!: HTMLButtonElement;
  let confirmPanel: HTMLDivElement | undefined;
  let outcomeLine: HTMLParagraphElement | undefined;
  // The quantity once a symbol is on the ticket (a palette or watchlist pick), else the symbol;
  // a preview on screen keeps the focus on its confirm step.
  props.focusRef?.({
    focus: () => {
      if (previewed()) confirmPanel?.focus();
      else (draft.symbol ? quantityBox : symbolBox).focus();
    },
  });
  const account = () => props.accounts.find((a) => a.id === props.accountId);

  // A quote row picked in the watchlist fills the symbol, unless a preview is on screen.
  createEffect(
    on(
      () => props.picked,
      (symbol) => {
        if (symbol && !locked()) setDraft("symbol", symbol);
      },
      { defer: true },
    ),
  );
  // A prefill replaces a preview on screen (nothing was sent), but not one in flight or being placed.
  createEffect(
    on(
      () => props.prefill,
      (order) => {
        if (!order) return;
        back();
        if (locked() || place.pending()) return;
        setDraft({ symbol: order.symbol, side: order.side, quantity: order.quantity });
        setTouched({ symbol: true, quantity: true });
        setOutcome(null);
        preview.clearError();
      },
      { defer: true },
    ),
  );
  // A preview belongs to one account; switching accounts discards it.
  createEffect(
    on(
      () => props.accountId,
      () => back(),
      { defer: true },
    ),
  );

  const edit = (field: Exclude<TicketField, "accountId">, value: string) => {
    setDraft(field, value);
    setTouched(field, true);
    setOutcome(null);
    preview.clearError();
  };
  /** A decimal box (quantity or a price) with its error under it. */
  const decimalField = (label: string, field: "quantity" | "limitPrice" | "stopPrice", testId: string) => (
    <>
      <label>
        <span>{label}</span>
        <input
          ref={(el) => {
            if (field === "quantity") quantityBox = el;
          }}
          data-testid={testId}
          inputmode="decimal"
          autocomplete="off"
          value={draft[field]}
          onInput={(e) => edit(field, e.currentTarget.value)}
        />
      </label>
      <FieldError text={fieldError(field)} />
    </>
  );

  // Enter anywhere in the form lands here: it previews, and can never place.
  function submit(e: SubmitEvent) {
    e.preventDefault();
    void requestPreview();
  }

  async function requestPreview() {
    if (locked() || props.readOnly) return;
    setAttempted(true);
    const c = check();
    if (!c.ok) return;
    setOutcome(null);
    const view = await preview.run(c.ticket);
    if (!view) {
      // The disabled fieldset dropped the focus; Retry is in the error note just below.
      if (document.activeElement === document.body) previewButton.focus();
      return;
    }
    setPreviewed({ ticket: c.ticket, view });
    // The panel itself takes the focus, not its Confirm button: a second (or held)
    // Enter lands on nothing; placing takes a deliberate Tab to Confirm, then Enter.
    confirmPanel?.focus();
  }

  function back() {
    if (place.pending()) return;
    const hadFocus = previewed() !== null && (confirmPanel?.contains(document.activeElement) ?? false);
    setPreviewed(null);
    place.clearError();
    // Keyboard users come back where they left (the fieldset is enabled again by now).
    if (hadFocus) previewButton.focus();
  }

  async function confirm() {
    const p = previewed();
    if (!p || place.pending()) return;
    // Read before sending: the disabled Confirm button drops the focus meanwhile.
    const hadFocus = confirmPanel?.contains(document.activeElement) ?? false;
    const result = await place.run(p.ticket, p.view.clientId);
    if (!result) {
      if (hadFocus) confirmPanel?.focus();
      return; // the error stays on the confirm panel, with Retry when retryable
    }
    setPreviewed(null);
    // The result line takes the focus from the vanished Confirm button (and Enter does nothing there).
    const reported = report(result, p.ticket);
    if (hadFocus) outcomeLine?.focus();
    await reported;
  }

  async function report(result: PlaceResult, ticket: Ticket) {
    const what = `${ticket.side} ${ticket.quantity} ${ticket.symbol}`;
    switch (result.outcome) {
      case "accepted":
        if (ticket.accountId === props.accountId) props.blotter.merge(result.order);
        return setOutcome({ tone: "ok", text: `Order accepted: ${what} (${result.order.status}).` });
      case "rejected":
        return setOutcome({ tone: "bad", text: `Order rejected: ${result.reason}` });
      case "unknown":
        // Only Aries's own records settle it; the journal's row (status UNKNOWN)
        // says so in the blotter, with Check now, and this intent is never resent.
        setOutcome({ tone: "warn", text: `UNKNOWN: ${what}. ${result.message}` });
        if (result.order && ticket.accountId === props.accountId) props.blotter.merge(result.order);
        try {
          const row = await ipc.checkOrder(result.clientId);
          props.blotter.merge(row);
          if (row.status !== "UNKNOWN") setOutcome(checked(row, what));
        } catch (err) {
          setOutcome({
            tone: "warn",
            text: `UNKNOWN: ${what}. Aries did not answer, and looking it up failed: ${toAppError(err).message}`,
          });
        }
    }
  }

  return (
    <section class="panel ticket" aria-label="Order ticket">
      <h2>Order</h2>
      <Show when={props.readOnly}>
        {(reason) => (
          <p class="note" role="note" data-testid="ticket-read-only">
            {reason()}
          </p>
        )}
      </Show>
      <form onSubmit={submit} novalidate>
        <fieldset disabled={locked() || !!props.readOnly} class="fields">
          <label>
            <span>Account</span>
            <span class="with-tag">
              <select
                data-testid="account"
                value={props.accountId ?? ""}
                onChange={(e) => props.onAccount(e.currentTarget.value)}
              >
                <Show when={!props.accountId}>
                  <option value="">Choose…</option>
                </Show>
                <For each={props.accounts}>
                  {(a) => (
                    <option value={a.id}>
                      {a.isSim ? "SIM" : "LIVE"} · {a.name}
                    </option>
                  )}
                </For>
              </select>
              <Show when={account()}>{(a) => <AccountTag account={a()} />}</Show>
            </span>
          </label>
          <FieldError text={fieldError("accountId")} />
          <label>
            <span>Symbol</span>
            <input
              ref={symbolBox}
              data-testid="symbol"
              autocomplete="off"
              spellcheck={false}
              value={draft.symbol}
              onInput={(e) => edit("symbol", e.currentTarget.value.toUpperCase())}
            />
          </label>
          <FieldError text={fieldError("symbol")} />
          <label>
            <span>Side</span>
            <select
              data-testid="side"
              classList={{ buy: draft.side === "BUY", sell: draft.side === "SELL" }}
              value={draft.side}
              onChange={(e) => setDraft("side", e.currentTarget.value === "SELL" ? "SELL" : "BUY")}
            >
              <option value="BUY">BUY</option>
              <option value="SELL">SELL</option>
            </select>
          </label>
          <label>
            <span>Type</span>
            <select
              data-testid="kind"
              value={draft.kind}
              onChange={(e) => setDraft("kind", ORDER_KINDS.find((k) => k === e.currentTarget.value) ?? "MARKET")}
            >
              <For each={ORDER_KINDS}>{(k) => <option value={k}>{k.replace("_", " ")}</option>}</For>
            </select>
          </label>
          {decimalField("Quantity", "quantity", "quantity")}
          <Show when={needsLimitPrice(draft.kind)}>
            {decimalField("Limit price", "limitPrice", "limit-price")}
          </Show>
          <Show when={needsStopPrice(draft.kind)}>
            {decimalField("Stop price", "stopPrice", "stop-price")}
          </Show>
          <label>
            <span>Time in force</span>
            <select
              data-testid="tif"
              value={draft.tif}
              onChange={(e) => setDraft("tif", e.currentTarget.value === "GTC" ? "GTC" : "DAY")}
            >
              <option value="DAY">DAY</option>
              <option value="GTC">GTC</option>
            </select>
          </label>
          <button
            ref={previewButton}
            type="submit"
            class="primary"
            classList={{ buy: draft.side === "BUY", sell: draft.side === "SELL" }}
            data-testid="preview"
          >
            {preview.pending() ? "Previewing…" : `Preview ${draft.side} ${kindLabel(draft.kind)}`}
          </button>
        </fieldset>
        <ErrorNote error={preview.error()} onRetry={() => void requestPreview()} testId="preview-error" />
      </form>
      <Show when={previewed()}>
        {(p) => (
          <ConfirmPanel
            ref={(el) => (confirmPanel = el)}
            ticket={p().ticket}
            preview={p().view}
            account={props.accounts.find((a) => a.id === p().ticket.accountId)}
            place={place}
            onConfirm={() => void confirm()}
            onBack={back}
          />
        )}
      </Show>
      <Show when={outcome()}>
        {(o) => (
          <p ref={outcomeLine} class={`outcome ${o().tone}`} data-testid="order-result" role="status" tabindex="-1">
            {o().text}
          </p>
        )}
      </Show>
    </section>
  );
}

function FieldError(props: { text: string | undefined }) {
  return (
    <Show when={props.text}>
      <p class="field-error">{props.text}</p>
    </Show>
  );
}
