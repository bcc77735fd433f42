import { Show } from "solid-js";
import type { AppError } from "../bindings";

/** An error shown where the action was taken, with Retry when repeating it can help. */
export function ErrorNote(props: { error: AppError | null; onRetry?: () => void; testId?: string }) {
  return (
    <Show when={props.error}>
      {(error) => (
        <div class="error-note" role="alert" data-testid={props.testId} data-code={error().code}>
          <span>{error().message}</span>
          <Show when={error().retryable && props.onRetry}>
            <button type="button" class="link" onClick={() => props.onRetry?.()}>
              Retry
            </button>
          </Show>
        </div>
      )}
    </Show>
  );
}
