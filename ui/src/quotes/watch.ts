// Keeps one panel's subscription in Rust's registry equal to its symbols: each
// change subscribes the panel anew (Rust ends the old subscription), and the
// panel pulls batch after batch under the new one's id; a loop of an older
// subscription stops, and the panel's subscription ends with it. Pulling,
// the page asks only once the last batch is painted, so a busy (or hidden)
// page is sent one fuller batch later rather than a backlog (docs/design.md
// "Quote delivery").
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { AppError } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import type { QuoteBook } from "./book";

/** Resolves at the next animation frame: the one that paints what was just applied. */
const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

export function watchSymbols(
  book: QuoteBook,
  symbols: () => readonly string[],
  panel = "watchlist",
  afterPaint: () => Promise<void> = painted,
) {
  const [error, setError] = createSignal<AppError | null>(null);
  let generation = 0;

  async function subscribe(list: readonly string[]) {
    const mine = ++generation;
    book.retain(panel, list);
    setError(null);
    // Nothing to watch (or not allowed to: no market:information) ends the panel's subscription.
    if (list.length === 0) return void ipc.unwatchQuotes(panel).catch(() => {});
    try {
      const watch = await ipc.watchQuotes(panel, [...list]);
      while (mine === generation) {
        const batch = await ipc.nextQuotes(panel, watch);
        if (batch === null || mine !== generation) return;
        book.apply(batch);
        // Asking again at once delayed this batch's frame (docs/benchmarks.md, "Quote batches pulled").
        await afterPaint();
      }
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
