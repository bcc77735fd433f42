import { For, Show, createEffect, createSignal, on } from "solid-js";
import { createStore } from "solid-js/store";
import type { AccountView, AppError, OrderChanges, OrderView, PlaceResult } from "../bindings";
import { toAppError } from "../errors";
import * as fmt from "../format";
import * as ipc from "../ipc";
import { AccountPanelTitle } from "../ui/AccountTag";
import { ErrorNote } from "../ui/ErrorNote";
import { CancelAll } from "./CancelAll";
import { ModifyOrder } from "./ModifyOrder";
import { OrderDetails } from "./OrderDetails";
import type { Blotter as BlotterState } from "./blotter";
import { kindLabel, priceLabel, statusClass } from "./describe";
import { type OrderTab, TABS, cancelable, inTab, keepSelection, moveSelection, rowKey } from "./select";

/** Statuses whose reason is shown under the row: a refusal, or why the outcome is not known. */
const explained = (status: string) => status === "REJECTED" || status === "UNKNOWN";
/** How close to the bottom (px) scrolling asks for the next history page. */
const NEAR_BOTTOM = 48;

/** What a Cancel, Modify or Check now left behind on its row, keyed by the row's key. */
type RowState = { pending?: boolean; note?: string; error?: AppError };

const modifiable = (o: OrderView) => o.working && o.status !== "UNKNOWN" && o.clOrdId !== "" && o.kind !== "MARKET";

export function Blotter(props: {
  blotter: BlotterState;
  accountId: string | null;
  /** The account shown, so its SIM or LIVE mark is on the panel. */
  account?: AccountView | undefined;
  /** Why this session cannot change orders (no `order:execution`): Modify and Cancel are disabled with it. */
  readOnly?: string | null;
}) {
  const [rowStates, setRowStates] = createStore<Record<string, RowState>>({});
  // Store setters merge objects, so every field is written to drop the previous state's.
  const put = (key: string, state: RowState) =>
    setRowStates(key, { pending: undefined, note: undefined, error: undefined, ...state });
  const [tab, setTab] = createSignal<OrderTab>("all");
  const [selected, setSelected] = createSignal<string | null>(null);
  const [expanded, setExpanded] = createSignal<string | null>(null);
  const [editing, setEditing] = createSignal<string | null>(null);
  let grid!: HTMLDivElement;

  const shown = () => props.blotter.rows().filter((o) => inTab(o, tab()));
  const count = (t: OrderTab) => props.blotter.rows().filter((o) => inTab(o, t)).length;

  // A replace renames the selected row (new clOrdId): the selection, details and editor follow it.
  let selectedRow: OrderView | undefined;
  createEffect(
    on(shown, (rows) => {
      const next = keepSelection(rows, selected(), selectedRow);
      if (next !== selected()) {
        if (expanded() === selected()) setExpanded(next);
        if (editing() === selected()) setEditing(null);
        setSelected(next);
      }
      selectedRow = rows.find((o) => rowKey(o) === next);
    }),
  );
  createEffect(on(() => props.accountId, () => [setSelected(null), setExpanded(null), setEditing(null)]));

  const select = (key: string | null) => {
    setSelected(key);
    if (key) grid.querySelector(`[data-key="${CSS.escape(key)}"]`)?.scrollIntoView({ block: "nearest" });
  };

  async function cancel(order: OrderView) {
    const key = rowKey(order);
    if (!props.accountId || rowStates[key]?.pending) return;
    put(key, { pending: true });
    try {
      const result = await ipc.cancelOrder(props.accountId, order.clOrdId);
      if (result.outcome === "accepted") {
        props.blotter.merge(result.order);
        put(rowKey(result.order), {});
      } else if (result.outcome === "rejected") {
        put(key, { note: `Cancel refused: ${result.reason}` });
      } else {
        put(key, { note: "We could not confirm the cancel; checking…" });
        await props.blotter.reload();
        put(key, { note: "Checked: the list now shows the order as Aries reports it." });
      }
    } catch (err) {
      put(key, { error: toAppError(err) });
    }
  }

  /** *Check now* on an UNKNOWN row: Rust looks an intent up by its client id; other rows reload the list. */
  async function check(order: OrderView) {
    const key = rowKey(order);
    if (rowStates[key]?.pending) return;
    put(key, { pending: true });
    try {
      if (order.clientId) props.blotter.merge(await ipc.checkOrder(order.clientId));
      else await props.blotter.reload();
      put(key, {});
    } catch (err) {
      put(key, { error: toAppError(err) });
    }
  }

  function replaced(order: OrderView, result: PlaceResult, changes: OrderChanges) {
    const key = rowKey(order);
    setEditing(null);
    grid.focus({ preventScroll: true });
    if (result.outcome === "accepted") {
      props.blotter.merge(result.order);
      const next = rowKey(result.order);
      const terms = `${changes.quantity ?? order.quantity} @ ${priceLabel(result.order)}`;
      put(next, { note: `Changed: now ${terms}, order id ${result.order.clOrdId}.` });
      if (selected() === key) setSelected(next);
      if (expanded() === key) setExpanded(next);
    } else if (result.outcome === "rejected") {
      put(key, { note: `Change refused: ${result.reason}` });
    } else {
      if (result.order) props.blotter.merge(result.order);
      put(key, { note: result.message });
    }
  }

  function openEditor(order: OrderView) {
    if (!modifiable(order)) return;
    setSelected(rowKey(order));
    setEditing(rowKey(order));
  }

  function onKey(e: KeyboardEvent) {
    // Keys typed in the editor's fields or on a button belong to them.
    if (e.target !== grid) return;
    const rows = shown();
    const order = rows.find((o) => rowKey(o) === selected());
    switch (e.key) {
      case "ArrowDown":
      case "ArrowUp":
        e.preventDefault();
        select(moveSelection(rows, selected(), e.key === "ArrowDown" ? 1 : -1));
        return;
      case "Enter":
        if (order) setExpanded((k) => (k === rowKey(order) ? null : rowKey(order)));
        return;
      case "m":
      case "M":
        if (order && !props.readOnly) {
          e.preventDefault();
          openEditor(order);
        }
        return;
      case "Delete":
      case "c":
      case "C":
        if (order?.working && order.status !== "UNKNOWN" && !props.readOnly) void cancel(order);
        return;
      case "Escape":
        setEditing(null);
        setExpanded(null);
        return;
    }
  }

  function onScroll() {
    if (grid.scrollTop + grid.clientHeight >= grid.scrollHeight - NEAR_BOTTOM) void props.blotter.loadOlder();
  }

  return (
    <section
      class="panel blotter"
      classList={{ "acct-sim": props.account?.isSim === true, "acct-live": props.account?.isSim === false }}
      aria-label="Orders"
    >
      <div class="blotter-head">
        <AccountPanelTitle title="Orders" account={props.account} />
        <div class="tab-strip order-tabs" role="tablist" aria-label="Order filter">
          <For each={TABS}>
            {(t) => (
              <button
                type="button"
                role="tab"
                aria-selected={tab() === t.id}
                data-testid={`orders-tab-${t.id}`}
                onClick={() => setTab(t.id)}
              >
                {t.label}
                <span class="tab-count">{count(t.id)}</span>
              </button>
            )}
          </For>
        </div>
        <CancelAll
          working={props.readOnly ? [] : cancelable(props.blotter.orders())}
          accountId={props.accountId}
          onCanceled={(o) => props.blotter.merge(o)}
          onUnsure={() => void props.blotter.reload().catch(() => undefined)}
        />
      </div>
      <ErrorNote error={props.blotter.error()} onRetry={props.blotter.retry} testId="orders-error" />
      <div
        class="orders-scroll"
        ref={grid}
        tabIndex={0}
        role="grid"
        aria-label="Orders: arrow keys select, Enter shows details, M modifies, Delete or C cancels"
        data-testid="orders-grid"
        onKeyDown={onKey}
        onScroll={onScroll}
      >
        <table class="grid orders">
          <thead>
            <tr>
              <th class="left">Symbol</th>
              <th class="left">Side</th>
              <th class="left">Type</th>
              <th>Qty</th>
              <th>Filled</th>
              <th>Price</th>
              <th class="left">Status</th>
              <th>Time</th>
              <th />
            </tr>
          </thead>
          <tbody>
            <For each={shown()}>
              {(order) => {
                const key = () => rowKey(order);
                const unknown = () => order.status === "UNKNOWN";
                const state = () => rowStates[key()] ?? {};
                return (
                  <>
                    <tr
                      data-testid="order-row"
                      data-key={key()}
                      data-status={order.status}
                      data-client-id={order.clientId ?? ""}
                      aria-selected={selected() === key()}
                      classList={{ selected: selected() === key() }}
                      onClick={() => {
                        grid.focus({ preventScroll: true });
                        setSelected(key());
                        setExpanded((k) => (k === key() ? null : key()));
                      }}
                    >
                      <td class="left sym">{order.symbol}</td>
                      <td class="left" classList={{ buy: order.side === "BUY", sell: order.side === "SELL" }}>
                        {order.side ?? fmt.DASH}
                      </td>
                      <td class="left">{kindLabel(order.kind)}</td>
                      <td>{order.quantity}</td>
                      <td>{order.filled}</td>
                      <td>{priceLabel(order)}</td>
                      <td class={`left ${statusClass(order.status)}`} title={order.reason ?? undefined}>
                        {order.status}
                      </td>
                      <td title={order.updatedAt ?? undefined}>{fmt.clock(order.updatedAt)}</td>
                      <td class="actions-cell" onClick={(e) => e.stopPropagation()}>
                        <Show when={unknown()}>
                          <button
                            type="button"
                            class="small"
                            data-testid="check-order"
                            disabled={state().pending}
                            onClick={() => void check(order)}
                          >
                            {state().pending ? "Checking…" : "Check now"}
                          </button>
                        </Show>
                        <Show when={modifiable(order)}>
                          <button
                            type="button"
                            class="small"
                            data-testid="modify-order"
                            title={props.readOnly ?? "Modify (M)"}
                            disabled={state().pending || editing() === key() || !!props.readOnly}
                            onClick={() => openEditor(order)}
                          >
                            Modify
                          </button>
                        </Show>
                        <Show when={order.working && !unknown()}>
                          <button
                            type="button"
                            class="small"
                            data-testid="cancel-order"
                            title={props.readOnly ?? "Cancel (Delete or C)"}
                            disabled={state().pending || !!props.readOnly}
                            onClick={() => void cancel(order)}
                          >
                            {state().pending ? "Canceling…" : "Cancel"}
                          </button>
                        </Show>
                      </td>
                    </tr>
                    <Show when={editing() === key() && props.accountId}>
                      {(accountId) => (
                        <tr class="row-note">
                          <td colSpan={9}>
                            <ModifyOrder
                              order={order}
                              accountId={accountId()}
                              onResult={(result, changes) => replaced(order, result, changes)}
                              onClose={() => {
                                setEditing(null);
                                grid.focus();
                              }}
                            />
                          </td>
                        </tr>
                      )}
                    </Show>
                    <Show when={state().note || state().error || (explained(order.status) && order.reason)}>
                      <tr class="row-note">
                        <td colSpan={9}>
                          <Show when={explained(order.status) && order.reason}>
                            <span class={statusClass(order.status)} data-testid="order-reason">
                              {order.reason}
                            </span>{" "}
                          </Show>
                          <Show when={state().note}>
                            <span class="muted" data-testid="order-note">
                              {state().note}
                            </span>
                          </Show>
                          <ErrorNote
                            error={state().error ?? null}
                            onRetry={() => void (unknown() ? check(order) : cancel(order))}
                          />
                        </td>
                      </tr>
                    </Show>
                    <Show when={expanded() === key() && props.accountId}>
                      {(accountId) => (
                        <tr class="row-details">
                          <td colSpan={9}>
                            <OrderDetails order={order} accountId={accountId()} />
                          </td>
                        </tr>
                      )}
                    </Show>
                  </>
                );
              }}
            </For>
          </tbody>
        </table>
        <div class="history-foot">
          <ErrorNote error={props.blotter.history.error()} onRetry={() => void props.blotter.loadOlder()} />
          <Show
            when={!props.blotter.history.done()}
            fallback={<span class="muted">No older orders in Aries's history (90 days; rejected orders are not kept).</span>}
          >
            <button
              type="button"
              class="link"
              data-testid="load-older"
              disabled={props.blotter.history.loading()}
              onClick={() => void props.blotter.loadOlder()}
            >
              {props.blotter.history.loading() ? "Loading older orders…" : "Load older orders"}
            </button>
          </Show>
        </div>
      </div>
      <Show when={!props.blotter.loading() && shown().length === 0 && !props.blotter.error()}>
        <p class="empty">No orders here.</p>
      </Show>
      <Show when={props.blotter.loading()}>
        <p class="empty">Loading orders…</p>
      </Show>
    </section>
  );
}
