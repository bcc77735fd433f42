// Keeps one panel's subscription in Rust's registry equal to its symbols: each
// change subscribes the panel anew over a fresh Channel (Rust stops the old
// pump), batches from an older subscription are dropped, and the panel's
// subscription ends with it.
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { AppError } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import type { QuoteBook } from "./book";

export function watchSymbols(book: QuoteBook, symbols: () => readonly string[], panel = "watchlist") {
  const [error, setError] = createSignal<AppError | null>(null);
  let generation = 0;

  async function subscribe(list: readonly string[]) {
    const mine = ++generation;
    book.retain(panel, list);
    setError(null);
    // Nothing to watch (or not allowed to: no market:information) ends the panel's subscription.
    if (list.length === 0) return void ipc.unwatchQuotes(panel).catch(() => {});
    try {
      await ipc.watchQuotes(panel, [...list], (batch) => {
        if (mine === generation) book.apply(batch);
      });
    } catch (err) {
      if (mine === generation) setError(toAppError(err));
    }
  }

  createEffect(on(symbols, (list) => void subscribe(list)));
  onCleanup(() => {
    generation++; // after sign-out, a late batch must not reach the book
    book.retain(panel, []);
    ipc.unwatchQuotes(panel).catch(() => {}); // signed out already: nothing is left to end
  });

  return { error, retry: () => void subscribe(symbols()) };
}
