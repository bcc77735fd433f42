import { Show, createSignal } from "solid-js";
import type { AppError, OrderChanges, OrderView, PlaceResult, ReplacePreviewView } from "../bindings";
import { toAppError } from "../errors";
import { DASH } from "../format";
import * as ipc from "../ipc";
import { ErrorNote } from "../ui/ErrorNote";
import { priceLabel } from "./describe";

const hasLimit = (kind: string | null) => kind === "LIMIT" || kind === "STOP_LIMIT";
const hasStop = (kind: string | null) => kind === "STOP" || kind === "STOP_LIMIT";

/** The fields that differ from the order's terms; blank or unchanged fields stay as they are. */
export function changesOf(
  order: Pick<OrderView, "quantity" | "limitPrice" | "stopPrice">,
  typed: { quantity: string; limitPrice: string; stopPrice: string },
): OrderChanges | null {
  const differs = (text: string, was: string | null) => (text.trim() !== "" && text.trim() !== (was ?? "") ? text.trim() : null);
  const changes: OrderChanges = {
    quantity: differs(typed.quantity, order.quantity),
    limitPrice: differs(typed.limitPrice, order.limitPrice),
    stopPrice: differs(typed.stopPrice, order.stopPrice),
  };
  return changes.quantity || changes.limitPrice || changes.stopPrice ? changes : null;
}

/**
 * Inline change of a working order: Preview (Aries prices the new terms;
 * Enter only ever previews) → Confirm change (sent once) → the result. No
 * path resends a change: after any answer the form closes, and a lost answer
 * leaves the row UNKNOWN.
 */
export function ModifyOrder(props: {
  order: OrderView;
  accountId: string;
  onResult: (result: PlaceResult, changes: OrderChanges) => void;
  onClose: () => void;
}) {
  const [quantity, setQuantity] = createSignal(props.order.quantity);
  const [limitPrice, setLimitPrice] = createSignal(props.order.limitPrice ?? "");
  const [stopPrice, setStopPrice] = createSignal(props.order.stopPrice ?? "");
  const [preview, setPreview] = createSignal<{ changes: OrderChanges; figures: ReplacePreviewView } | null>(null);
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<AppError | null>(null);

  async function runPreview(e?: Event) {
    e?.preventDefault();
    if (pending()) return;
    const changes = changesOf(props.order, { quantity: quantity(), limitPrice: limitPrice(), stopPrice: stopPrice() });
    if (!changes) {
      setError({ code: "validation", message: "Nothing changed: type a new quantity or price.", retryable: false });
      return;
    }
    setPending(true);
    setError(null);
    try {
      setPreview({ changes, figures: await ipc.previewReplace(props.accountId, props.order.clOrdId, changes) });
    } catch (err) {
      setError(toAppError(err));
    } finally {
      setPending(false);
    }
  }

  async function confirm() {
    const p = preview();
    if (!p || pending()) return;
    setPending(true);
    setError(null);
    try {
      props.onResult(await ipc.replaceOrder(props.accountId, props.order.clOrdId, p.changes), p.changes);
    } catch (err) {
      // Refused before or by Aries (nothing changed): shown here; a new preview is needed to try again.
      setError(toAppError(err));
      setPreview(null);
    } finally {
      setPending(false);
    }
  }

  const edited = () => {
    const p = preview()?.changes;
    return {
      kind: props.order.kind,
      limitPrice: p?.limitPrice ?? props.order.limitPrice,
      stopPrice: p?.stopPrice ?? props.order.stopPrice,
    };
  };

  return (
    <div class="modify" data-testid="modify-panel">
      <Show
        when={preview()}
        fallback={
          <form class="modify-form" onSubmit={(e) => void runPreview(e)}>
            <label>
              Qty
              <input
                data-testid="modify-quantity"
                inputmode="decimal"
                value={quantity()}
                onInput={(e) => setQuantity(e.currentTarget.value)}
                ref={(el) => queueMicrotask(() => el.focus())}
              />
            </label>
            <Show when={hasLimit(props.order.kind)}>
              <label>
                Limit
                <input
                  data-testid="modify-limit"
                  inputmode="decimal"
                  value={limitPrice()}
                  onInput={(e) => setLimitPrice(e.currentTarget.value)}
                />
              </label>
            </Show>
            <Show when={hasStop(props.order.kind)}>
              <label>
                Stop
                <input
                  data-testid="modify-stop"
                  inputmode="decimal"
                  value={stopPrice()}
                  onInput={(e) => setStopPrice(e.currentTarget.value)}
                />
              </label>
            </Show>
            <button type="submit" data-testid="modify-preview" disabled={pending()}>
              {pending() ? "Pricing…" : "Preview change"}
            </button>
            <button type="button" onClick={() => props.onClose()}>
              Close
            </button>
          </form>
        }
      >
        {(p) => (
          <div class="modify-confirm" data-testid="modify-summary">
            <p>
              <strong>{props.order.symbol}</strong> {props.order.side}: {props.order.quantity} @ {priceLabel(props.order)}{" "}
              → <strong>{p().changes.quantity ?? props.order.quantity} @ {priceLabel(edited())}</strong>
            </p>
            <p class="muted">
              Estimated cost on the new terms {p().figures.estimatedCost ?? DASH} · commission{" "}
              {p().figures.commission ?? DASH} · buying-power impact {p().figures.buyingPowerImpact ?? DASH}
            </p>
            <Show when={p().figures.warnings.length > 0}>
              <p class="warnings">{p().figures.warnings.join(" · ")}</p>
            </Show>
            <button type="button" disabled={pending()} onClick={() => setPreview(null)}>
              Back
            </button>{" "}
            <button type="button" class="primary" data-testid="modify-confirm" disabled={pending()} onClick={() => void confirm()}>
              {pending() ? "Sending…" : "Confirm change"}
            </button>
          </div>
        )}
      </Show>
      <ErrorNote error={error()} testId="modify-error" />
    </div>
  );
}
