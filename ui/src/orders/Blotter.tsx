import { For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import type { AppError, OrderView } from "../bindings";
import { toAppError } from "../errors";
import * as fmt from "../format";
import * as ipc from "../ipc";
import { ErrorNote } from "../ui/ErrorNote";
import type { Blotter as BlotterState } from "./blotter";
import { kindLabel, priceLabel, statusClass } from "./describe";

/** Statuses whose reason is shown under the row: a refusal, or why the outcome is not known. */
const explained = (status: string) => status === "REJECTED" || status === "UNKNOWN";

/** What a Cancel (or Check now) click left behind on its row, keyed by the clOrdId (or clientId) it was for. */
type CancelState = { pending?: boolean; note?: string; error?: AppError };

export function Blotter(props: {
  blotter: BlotterState;
  accountId: string | null;
  /** Why this session cannot cancel (no `order:execution`): Cancel is disabled with the reason. */
  readOnly?: string | null;
}) {
  const [cancels, setCancels] = createStore<Record<string, CancelState>>({});
  // Store setters merge objects, so every field is written to drop the previous state's.
  const put = (key: string, state: CancelState) =>
    setCancels(key, { pending: undefined, note: undefined, error: undefined, ...state });

  async function cancel(order: OrderView) {
    const key = order.clOrdId;
    if (!props.accountId || cancels[key]?.pending) return;
    put(key, { pending: true });
    try {
      const result = await ipc.cancelOrder(props.accountId, key);
      if (result.outcome === "accepted") {
        props.blotter.merge(result.order);
        put(key, {});
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

  /** *Check now* on an UNKNOWN row: Rust looks it up by its client id at once. */
  async function check(order: OrderView) {
    const key = order.clientId ?? "";
    if (!key || cancels[key]?.pending) return;
    put(key, { pending: true });
    try {
      props.blotter.merge(await ipc.checkOrder(key));
      put(key, {});
    } catch (err) {
      put(key, { error: toAppError(err) });
    }
  }

  return (
    <section class="panel blotter" aria-label="Orders">
      <h2>Orders</h2>
      <ErrorNote error={props.blotter.error()} onRetry={props.blotter.retry} testId="orders-error" />
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
          <For each={props.blotter.orders()}>
            {(order) => {
              const unknown = () => order.status === "UNKNOWN";
              // An UNKNOWN row has no clOrdId yet: its actions are keyed by the intent.
              const state = () => cancels[unknown() ? (order.clientId ?? "") : order.clOrdId] ?? {};
              return (
                <>
                  <tr data-testid="order-row" data-status={order.status} data-client-id={order.clientId ?? ""}>
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
                    <td>{fmt.clock(order.updatedAt)}</td>
                    <td class="actions-cell">
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
                      <Show when={order.working && !unknown()}>
                        <button
                          type="button"
                          class="small"
                          data-testid="cancel-order"
                          disabled={state().pending || !!props.readOnly}
                          title={props.readOnly ?? undefined}
                          onClick={() => void cancel(order)}
                        >
                          {state().pending ? "Canceling…" : "Cancel"}
                        </button>
                      </Show>
                    </td>
                  </tr>
                  <Show when={state().note || state().error || (explained(order.status) && order.reason)}>
                    <tr class="row-note">
                      <td colSpan={9}>
                        <Show when={explained(order.status) && order.reason}>
                          <span class={statusClass(order.status)} data-testid="order-reason">
                            {order.reason}
                          </span>{" "}
                        </Show>
                        <Show when={state().note}>
                          <span class="muted">{state().note}</span>
                        </Show>
                        <ErrorNote
                          error={state().error ?? null}
                          onRetry={() => void (unknown() ? check(order) : cancel(order))}
                        />
                      </td>
                    </tr>
                  </Show>
                </>
              );
            }}
          </For>
        </tbody>
      </table>
      <Show when={!props.blotter.loading() && props.blotter.orders().length === 0 && !props.blotter.error()}>
        <p class="empty">No orders today.</p>
      </Show>
      <Show when={props.blotter.loading()}>
        <p class="empty">Loading orders…</p>
      </Show>
    </section>
  );
}
