// Quote panels and the window's one pull. Each panel keeps its subscription
// in Rust's registry equal to its symbols: each change subscribes the panel
// anew (Rust ends the old subscription). The window pulls every panel's news
// in one answer (`nextQuotes`), so a tick that moves the chart and the
// watchlist is applied once and painted in one frame; it asks again only once
// the last answer is painted, so a busy (or hidden) page is sent one fuller
// batch later rather than a backlog (docs/design.md "Quote delivery").
import { type Accessor, createEffect, createSignal, on, onCleanup } from "solid-js";
import type { AppError } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import type { QuoteBook } from "./book";

/** Resolves at the next animation frame: the one that paints what was just applied. */
const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** A window's pull loop, one per quote book. */
type Puller = { running: boolean; asked: number; error: Accessor<AppError | null>; fail: (e: AppError | null) => void };
const pullers = new WeakMap<QuoteBook, Puller>();

function pullerOf(book: QuoteBook): Puller {
  let puller = pullers.get(book);
  if (!puller) {
    const [error, fail] = createSignal<AppError | null>(null);
    puller = { running: false, asked: 0, error, fail };
    pullers.set(book, puller);
  }
  return puller;
}

/** Makes sure the window's pull loop runs (a panel has just subscribed). */
function pull(book: QuoteBook, afterPaint: () => Promise<void>) {
  const puller = pullerOf(book);
  puller.asked++;
  if (puller.running) return;
  puller.running = true;
  puller.fail(null);
  void (async () => {
    let seen = puller.asked;
    try {
      for (;;) {
        const batch = await ipc.nextQuotes();
        if (batch === null) {
          // The session ended. A panel that subscribed since belongs to the next one: ask again for it.
          if (seen === puller.asked) return;
          seen = puller.asked;
          continue;
        }
        // After sign-out the desk has let go of the book: a late answer must not reach it.
        if (!book.watching()) continue;
        book.apply(batch);
        // Asking again at once delayed this batch's frame (docs/benchmarks.md, "Quote batches pulled").
        await afterPaint();
      }
    } catch (err) {
      puller.fail(toAppError(err));
    } finally {
      puller.running = false;
    }
  })();
}

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
      await ipc.watchQuotes(panel, [...list]);
      if (mine === generation) pull(book, afterPaint);
    } catch (err) {
      if (mine === generation) setError(toAppError(err));
    }
  }

  createEffect(on(symbols, (list) => void subscribe(list)));
  onCleanup(() => {
    generation++;
    book.retain(panel, []);
    ipc.unwatchQuotes(panel).catch(() => {}); // signed out already: nothing is left to end
  });

  return {
    /** Why the panel has no live quotes: its subscription failed, or the window's pull did. */
    error: () => error() ?? pullerOf(book).error(),
    retry: () => void subscribe(symbols()),
  };
}
