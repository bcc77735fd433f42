// One user action that calls Rust: whether it is in flight (to disable its
// button), the error to show beside it, and a Retry that repeats the same call.
import { createSignal } from "solid-js";
import type { AppError } from "../bindings";
import { toAppError } from "../errors";

export type Action<A extends unknown[], T> = {
  /** Resolves to the result, or undefined when the call failed or one was already in flight. */
  run: (...args: A) => Promise<T | undefined>;
  retry: () => void;
  pending: () => boolean;
  error: () => AppError | null;
  clearError: () => void;
};

export function createAction<A extends unknown[], T>(call: (...args: A) => Promise<T>): Action<A, T> {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<AppError | null>(null);
  let lastArgs: A | null = null;

  async function run(...args: A): Promise<T | undefined> {
    if (pending()) return undefined; // a double click must not send twice
    lastArgs = args;
    setPending(true);
    setError(null);
    try {
      return await call(...args);
    } catch (err) {
      setError(toAppError(err));
      return undefined;
    } finally {
      setPending(false);
    }
  }

  return {
    run,
    retry: () => {
      if (lastArgs) void run(...lastArgs);
    },
    pending,
    error,
    clearError: () => setError(null),
  };
}
