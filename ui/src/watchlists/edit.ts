// The edits Rust checks and saves (src-tauri/views/watchlists.rs), applied
// here first so a drag or Alt+↑/↓ moves the row (Alt+←/→ the list) at once. Lenient on purpose:
// an edit that does not apply returns null and is left to Rust, whose answer
// (the lists as saved, or why not) always wins.
import type { WatchlistEdit, WatchlistsView, WatchlistView } from "../bindings";
import { normalizeSymbol } from "../symbol";

function withList(
  lists: WatchlistsView,
  id: number,
  change: (list: WatchlistView) => WatchlistView | null,
): WatchlistsView | null {
  const at = lists.lists.findIndex((l) => l.id === id);
  const list = lists.lists[at];
  const changed = list && change(list);
  if (!changed) return null;
  return { ...lists, lists: lists.lists.map((l, i) => (i === at ? changed : l)) };
}

/** The lists after `edit` as Rust would save them, or null when it does not apply. */
export function applyEdit(lists: WatchlistsView, edit: WatchlistEdit): WatchlistsView | null {
  switch (edit.kind) {
    case "select":
      return lists.lists.some((l) => l.id === edit.list) ? { ...lists, current: edit.list } : null;
    case "add": {
      const symbol = normalizeSymbol(edit.symbol);
      return withList(lists, edit.list, (l) =>
        symbol && !l.symbols.includes(symbol) && l.symbols.length < lists.maxSymbols
          ? { ...l, symbols: [...l.symbols, symbol] }
          : null,
      );
    }
    case "remove":
      return withList(lists, edit.list, (l) =>
        l.symbols.includes(edit.symbol) ? { ...l, symbols: l.symbols.filter((s) => s !== edit.symbol) } : null,
      );
    case "move":
      return withList(lists, edit.list, (l) => {
        const from = l.symbols.indexOf(edit.symbol);
        if (from < 0 || edit.to < 0 || edit.to >= l.symbols.length || edit.to === from) return null;
        const symbols = l.symbols.filter((s) => s !== edit.symbol);
        symbols.splice(edit.to, 0, edit.symbol);
        return { ...l, symbols };
      });
    case "moveList": {
      const from = lists.lists.findIndex((l) => l.id === edit.list);
      if (from < 0 || edit.to < 0 || edit.to >= lists.lists.length || edit.to === from) return null;
      const moved = lists.lists.filter((l) => l.id !== edit.list);
      moved.splice(edit.to, 0, lists.lists[from]);
      return { ...lists, lists: moved };
    }
    default:
      // Creating, renaming and deleting lists wait for Rust's answer.
      return null;
  }
}

/**
 * Where Alt+↑/← (-1) or Alt+↓/→ (+1) moves `item` (a symbol in its list, or a
 * list among the lists), or null at either end.
 */
export function movedBy<T>(items: readonly T[], item: T, by: number): number | null {
  const from = items.indexOf(item);
  const to = from + by;
  return from < 0 || to < 0 || to >= items.length ? null : to;
}

/**
 * Where a drag of `from` dropped before (or after) `target` ends up, as an
 * index of the items without it; null when it would not move.
 */
export function dropIndex<T>(items: readonly T[], from: T, target: T, after: boolean): number | null {
  const origin = items.indexOf(from);
  if (origin < 0 || target === from) return null;
  const at = items.filter((s) => s !== from).indexOf(target);
  if (at < 0) return null;
  const to = at + (after ? 1 : 0);
  return to === origin ? null : to;
}
