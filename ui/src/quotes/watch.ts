// Keeps Rust's watched set equal to the watchlist: each change subscribes anew
// over a fresh Channel, and batches from an older subscription are dropped.
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { AppError } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import type { QuoteBook } from "./book";

export function watchSymbols(book: QuoteBook, symbols: () => readonly string[]) {
  const [error, setError] = createSignal<AppError | null>(null);
  let generation = 0;

  async function subscribe(list: readonly string[]) {
    const mine = ++generation;
    book.retain(list);
    setError(null);
    try {
      await ipc.watchQuotes([...list], (batch) => {
        if (mine === generation) book.apply(batch);
      });
    } catch (err) {
      if (mine === generation) setError(toAppError(err));
    }
  }

  createEffect(on(symbols, (list) => void subscribe(list)));
  onCleanup(() => generation++); // after sign-out, a late batch must not reach the book

  return { error, retry: () => void subscribe(symbols()) };
}
