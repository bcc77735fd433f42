import { For, Show, createSignal, onCleanup } from "solid-js";
import type { ConnectionView, SocketView } from "../bindings";
import { CONNECTION_LABEL } from "../session/connection";
import type { Freshness } from "./freshness";

/** How often the readout refreshes while open: the tick age moves on its own. */
const REFRESH_MS = 250;

const ms = (value: number) => `${Math.round(value)} ms`;

/** A duration short enough for a glance: "12 ms", "3.4 s", "2 min". */
export function age(value: number): string {
  if (value < 1_000) return ms(Math.max(0, value));
  if (value < 60_000) return `${(value / 1_000).toFixed(1)} s`;
  return `${Math.round(value / 60_000)} min`;
}

const reconnects = (n: number) => (n === 1 ? "1 reconnect" : `${n} reconnects`);

/**
 * The freshness readout (F or the header's button): the newest tick's age,
 * tick-to-paint over the last minute, the last order's round trip and both
 * sockets. A strip under the header, in the flow, so it never covers a
 * control at any window size. Numbers are also data attributes, which the
 * benchmark reads.
 */
export function FreshnessHud(props: {
  store: Freshness;
  /** Each socket's state as the header shows it, until the sockets' own report arrives. */
  market: ConnectionView;
  account: ConnectionView;
}) {
  const [tickAge, setTickAge] = createSignal(props.store.tickAge());
  const timer = setInterval(() => setTickAge(props.store.tickAge()), REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  // Re-read with the clock: the window slides even when no batch comes.
  const paint = () => (tickAge(), props.store.paint());
  const sockets = (): { name: string; id: string; socket: SocketView }[] => {
    const s = props.store.streams();
    // The header's state wins: it knows a socket the scopes do not allow before any report comes.
    return [
      { name: "Market socket", id: "market", socket: { state: props.market, reconnects: s?.market.reconnects ?? 0 } },
      { name: "Account socket", id: "account", socket: { state: props.account, reconnects: s?.account.reconnects ?? 0 } },
    ];
  };

  return (
    <section class="hud" data-testid="hud" aria-label="Freshness" aria-live="off">
      <dl>
        <div data-testid="hud-tick-age" data-ms={tickAge() ?? ""}>
          <dt>Newest tick</dt>
          <dd>{tickAge() === null ? "none yet" : `${age(tickAge() as number)} ago`}</dd>
        </div>
        <div
          data-testid="hud-paint"
          data-p50={paint()?.p50 ?? ""}
          data-p99={paint()?.p99 ?? ""}
          data-count={paint()?.count ?? 0}
          title="From Rust's send of a quote batch to the first frame after the page applied it, over the last minute"
        >
          <dt>Tick → paint, 1 min</dt>
          <Show when={paint()} fallback={<dd>no ticks yet</dd>}>
            {(p) => (
              <dd>
                p50 <b>{ms(p().p50)}</b> · p99 <b classList={{ over: p().p99 > 33 }}>{ms(p().p99)}</b>
                <span class="hud-count"> ({p().count})</span>
              </dd>
            )}
          </Show>
        </div>
        <div data-testid="hud-order" data-ms={props.store.lastOrder()?.ms ?? ""}>
          <dt>Last order, Confirm → answer</dt>
          <Show when={props.store.lastOrder()} fallback={<dd>none yet</dd>}>
            {(o) => (
              <dd>
                <b>{ms(o().ms)}</b> <span class="hud-count">({o().outcome})</span>
              </dd>
            )}
          </Show>
        </div>
        <For each={sockets()}>
          {(s) => (
            <div data-testid={`hud-${s.id}`} data-state={s.socket.state} data-reconnects={s.socket.reconnects}>
              <dt>{s.name}</dt>
              <dd>
                <span classList={{ connection: true, [`conn-${s.socket.state}`]: true }}>
                  {CONNECTION_LABEL[s.socket.state]}
                </span>
                <Show when={s.socket.state !== "notPermitted"}> · {reconnects(s.socket.reconnects)}</Show>
              </dd>
            </div>
          )}
        </For>
      </dl>
      <p class="hud-hint">
        <kbd>F</kbd> hides this
      </p>
    </section>
  );
}
