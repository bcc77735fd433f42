import { type JSX, Show, createSignal } from "solid-js";

type Tab = "orders" | "positions";

/**
 * Orders | Positions under the chart. Both panels stay mounted (only hidden),
 * so neither loses its state or its subscriptions when the other is shown.
 */
export function WorkTabs(props: {
  orders: JSX.Element;
  positions: JSX.Element;
  /** Row counts on the tabs; null while unknown (loading or failed). */
  orderCount: number | null;
  positionCount: number | null;
}) {
  const [tab, setTab] = createSignal<Tab>("orders");
  const button = (id: Tab, label: string, count: () => number | null) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab() === id}
      data-testid={`tab-${id}`}
      onClick={() => setTab(id)}
    >
      {label}
      <Show when={count() !== null}>
        <span class="tab-count">{count()}</span>
      </Show>
    </button>
  );
  return (
    <div class="work-tabs">
      <div class="tab-strip" role="tablist" aria-label="Orders and positions">
        {button("orders", "Orders", () => props.orderCount)}
        {button("positions", "Positions", () => props.positionCount)}
      </div>
      <div role="tabpanel" hidden={tab() !== "orders"}>
        {props.orders}
      </div>
      <div role="tabpanel" hidden={tab() !== "positions"}>
        {props.positions}
      </div>
    </div>
  );
}
