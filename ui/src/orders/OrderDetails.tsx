import { For, Show, createResource } from "solid-js";
import type { OrderView } from "../bindings";
import { toAppError } from "../errors";
import * as fmt from "../format";
import * as ipc from "../ipc";

/** A row's details: its ids across replaces (from the journal), its fills as Aries reports them, and why it was refused. */
export function OrderDetails(props: { order: OrderView; accountId: string }) {
  const [chain] = createResource(
    () => props.order.clOrdId || null,
    (id) => ipc.orderChain(props.accountId, id).catch((err: unknown) => ({ error: toAppError(err).message })),
  );
  const ids = () => {
    const c = chain();
    return c && "clOrdIds" in c ? c.clOrdIds : null;
  };
  return (
    <div class="order-details" data-testid="order-details">
      <dl class="figures">
        <dt>Order ids</dt>
        <dd data-testid="order-chain">
          <Show when={props.order.clOrdId} fallback={<span class="muted">none yet: Aries has not named this order</span>}>
            <Show when={ids()} fallback={<span class="muted">{chain.loading ? "Loading…" : fmt.DASH}</span>}>
              {(list) => (
                <>
                  <For each={list()}>
                    {(id, i) => (
                      <>
                        <Show when={i() > 0}> → </Show>
                        <code classList={{ current: i() === list().length - 1 }}>{id}</code>
                      </>
                    )}
                  </For>
                  <Show when={list().length > 1}>
                    <span class="muted"> ({list().length - 1} change{list().length > 2 ? "s" : ""})</span>
                  </Show>
                </>
              )}
            </Show>
            <Show when={chain() && "clientId" in (chain() ?? {}) && !(chain() as { clientId: string | null }).clientId}>
              <span class="muted"> · placed elsewhere: the journal keeps the chain of orders placed here only</span>
            </Show>
          </Show>
        </dd>
        <dt>Fills</dt>
        <dd data-testid="order-fills">
          {props.order.filled} of {props.order.quantity}
          <Show when={props.order.averagePrice}> at an average {props.order.averagePrice}</Show>
          <span class="muted">
            {" "}
            · Aries reports the filled quantity and average price, not each fill's price, quantity and time
          </span>
        </dd>
        <dt>Placed</dt>
        <dd>
          {props.order.createdAt ? new Date(props.order.createdAt).toLocaleString() : fmt.DASH} · {props.order.tif ?? ""}
        </dd>
        <Show when={props.order.reason}>
          <dt>{props.order.status === "REJECTED" ? "Reject reason" : "Note"}</dt>
          <dd data-testid="order-detail-reason">{props.order.reason}</dd>
        </Show>
      </dl>
    </div>
  );
}
