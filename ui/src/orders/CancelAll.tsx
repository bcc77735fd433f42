import { For, Show, createSignal } from "solid-js";
import type { AppError, CancelReport, OrderView } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import { ErrorNote } from "../ui/ErrorNote";
import { kindLabel, priceLabel } from "./describe";

/** What one report says, in a line. */
export function reportText(report: CancelReport): { text: string; ok: boolean } {
  const r = report.result;
  if (report.error) return { text: `not canceled: ${report.error.message}`, ok: false };
  if (r?.outcome === "accepted") return { text: `canceled (${r.order.status})`, ok: true };
  if (r?.outcome === "rejected") return { text: `cancel refused: ${r.reason}`, ok: false };
  return { text: "UNKNOWN: the answer was lost; the cancel was not sent again", ok: false };
}

/**
 * *Cancel all working*: one confirmation listing exactly the orders that will
 * be canceled, one request for all of them (Rust sends each cancel once), and
 * a line per order on what became of it.
 */
export function CancelAll(props: {
  working: readonly OrderView[];
  accountId: string | null;
  onCanceled: (order: OrderView) => void;
  onUnsure: () => void;
}) {
  const [listed, setListed] = createSignal<readonly OrderView[] | null>(null);
  const [pending, setPending] = createSignal(false);
  const [reports, setReports] = createSignal<{ order: OrderView; text: string; ok: boolean }[] | null>(null);
  const [error, setError] = createSignal<AppError | null>(null);

  async function send() {
    const orders = listed();
    if (!orders || !props.accountId || pending()) return;
    setPending(true);
    setError(null);
    try {
      const answers = await ipc.cancelOrders(
        props.accountId,
        orders.map((o) => o.clOrdId),
      );
      setReports(orders.map((order, i) => ({ order, ...reportText(answers[i]) })));
      for (const a of answers) if (a.result?.outcome === "accepted") props.onCanceled(a.result.order);
      if (answers.some((a) => a.result?.outcome === "unknown")) props.onUnsure();
      setListed(null);
    } catch (err) {
      // Refused as a whole (signed out, account not ours): nothing was sent.
      setError(toAppError(err));
    } finally {
      setPending(false);
    }
  }

  const line = (o: OrderView) => `${o.side ?? ""} ${o.quantity} ${o.symbol} ${kindLabel(o.kind)} ${priceLabel(o)}`;

  return (
    <>
      <button
        type="button"
        class="small"
        data-testid="cancel-all"
        disabled={props.working.length === 0 || listed() !== null}
        onClick={() => {
          setReports(null);
          setListed([...props.working]);
        }}
      >
        Cancel all working ({props.working.length})
      </button>
      <Show when={listed()}>
        {(orders) => (
          <div class="cancel-all confirm" role="alertdialog" aria-label="Cancel all working orders" data-testid="cancel-all-panel">
            <p>
              Cancel these {orders().length} working order{orders().length === 1 ? "" : "s"}?
            </p>
            <ul>
              <For each={orders()}>
                {(o) => (
                  <li>
                    {line(o)} <code class="muted">{o.clOrdId}</code>
                  </li>
                )}
              </For>
            </ul>
            <ErrorNote error={error()} testId="cancel-all-error" />
            {/* Focus starts on the safe choice: Enter alone never cancels. */}
            <button
              type="button"
              disabled={pending()}
              ref={(el) => queueMicrotask(() => el.focus())}
              onClick={() => setListed(null)}
            >
              Keep them
            </button>{" "}
            <button
              type="button"
              class="primary sell"
              data-testid="cancel-all-confirm"
              disabled={pending()}
              onClick={() => void send()}
            >
              {pending() ? "Canceling…" : `Cancel ${orders().length} order${orders().length === 1 ? "" : "s"}`}
            </button>
          </div>
        )}
      </Show>
      <Show when={reports()}>
        {(lines) => (
          <div class="cancel-all-report" data-testid="cancel-all-report">
            <ul>
              <For each={lines()}>
                {(r) => (
                  <li classList={{ "st-rejected": !r.ok }}>
                    {line(r.order)}: {r.text}
                  </li>
                )}
              </For>
            </ul>
            <button type="button" class="link" onClick={() => setReports(null)}>
              Dismiss
            </button>
          </div>
        )}
      </Show>
    </>
  );
}
