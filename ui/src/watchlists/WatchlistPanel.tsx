import { Show, createMemo } from "solid-js";
import type { QuoteBook } from "../quotes/book";
import { watchSymbols } from "../quotes/watch";
import { Watchlist } from "../quotes/Watchlist";
import { ErrorNote } from "../ui/ErrorNote";
import { ListBar } from "./ListBar";
import { createRowReorder } from "./rows";
import type { WatchlistStore } from "./store";

/**
 * The saved watchlists: the list bar above the list shown. Each list streams
 * under its own panel id, so switching lists ends the old list's subscription.
 */
export function WatchlistPanel(props: { book: QuoteBook; store: WatchlistStore; onPick: (symbol: string) => void }) {
  return (
    <section class="panel watchlist" aria-label="Watchlist" data-testid="watchlist">
      <Show when={props.store.lists()}>
        <ListBar store={props.store} />
      </Show>
      <ErrorNote error={props.store.error()} onRetry={props.store.retry} testId="watchlists-error" />
      <Show when={!props.store.lists() && !props.store.error()}>
        <p class="muted">Loading your watchlists…</p>
      </Show>
      <Show when={props.store.currentId()} keyed>
        {(id) => <ListView id={id} book={props.book} store={props.store} onPick={props.onPick} />}
      </Show>
    </section>
  );
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s) => b.includes(s));

/** One list: its rows in its order; the subscription changes only when its set of symbols does. */
function ListView(props: { id: number; book: QuoteBook; store: WatchlistStore; onPick: (symbol: string) => void }) {
  const symbols = createMemo<readonly string[]>(
    () => props.store.lists()?.lists.find((l) => l.id === props.id)?.symbols ?? [],
  );
  const watched = createMemo(() => symbols(), [], { equals: sameSet });
  const watch = watchSymbols(props.book, watched, `watchlist:${props.id}`);
  const reorder = createRowReorder({
    symbols,
    onMove: (symbol, to) => void props.store.move(symbol, to),
    onMoveBy: (symbol, by) => void props.store.moveBy(symbol, by),
    onPick: props.onPick,
    onRemove: (symbol) => void props.store.remove(symbol),
  });
  return (
    <Watchlist
      book={props.book}
      symbols={symbols()}
      onAdd={(symbol) => void props.store.add(symbol)}
      onRemove={(symbol) => void props.store.remove(symbol)}
      rowProps={reorder.rowProps}
      onPick={props.onPick}
      watchError={watch.error()}
      onRetryWatch={watch.retry}
    />
  );
}
