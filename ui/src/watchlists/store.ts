// The signed-in user's saved watchlists, outside the component tree. Rust
// keeps them (per backend and user, src-tauri/watchlists.rs) and answers each
// edit with the lists as saved. Edits go out one at a time, in order; each is
// applied here first (edit.ts) so the row moves at once, and the answer to
// the last one in flight replaces the lists, so what is shown is what is
// saved. A refused edit puts the saved lists back and says why.
import { createSignal } from "solid-js";
import type { AppError, WatchlistEdit, WatchlistsView, WatchlistView } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import { applyEdit, movedBy } from "./edit";

export type WatchlistsApi = {
  load: () => Promise<WatchlistsView>;
  edit: (edit: WatchlistEdit) => Promise<WatchlistsView>;
};

export type WatchlistStore = ReturnType<typeof createWatchlists>;

export function createWatchlists(api: WatchlistsApi = { load: ipc.watchlists, edit: ipc.editWatchlist }) {
  const [lists, setLists] = createSignal<WatchlistsView | null>(null);
  const [error, setError] = createSignal<AppError | null>(null);
  let saved: WatchlistsView | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  let generation = 0; // a reload drops answers to edits sent before it
  let retryLast: (() => void) | null = null;

  const current = (): WatchlistView | null => {
    const all = lists();
    return all?.lists.find((l) => l.id === all.current) ?? null;
  };
  const currentId = () => current()?.id ?? null;

  async function load() {
    const mine = ++generation;
    retryLast = () => void load();
    try {
      const answer = await api.load();
      if (mine !== generation) return;
      saved = answer;
      setLists(answer);
      setError(null);
    } catch (err) {
      if (mine === generation) setError(toAppError(err));
    }
  }

  /** Sends one edit after those before it; resolves true once Rust saved it. */
  function edit(change: WatchlistEdit): Promise<boolean> {
    const shown = lists();
    if (!shown) return Promise.resolve(false);
    const local = applyEdit(shown, change);
    if (local) setLists(local);
    const mine = generation;
    inFlight++;
    const done = queue.then(async () => {
      try {
        const answer = await api.edit(change);
        if (mine !== generation) return false;
        saved = answer;
        if (inFlight === 1) setLists(answer);
        setError(null);
        return true;
      } catch (err) {
        if (mine !== generation) return false;
        setError(toAppError(err));
        retryLast = () => void edit(change);
        if (inFlight === 1 && saved) setLists(saved);
        return false;
      } finally {
        inFlight--;
      }
    });
    queue = done;
    return done;
  }

  /** Runs `make` on the current list; false when there is none. */
  const onCurrent = (make: (list: WatchlistView) => WatchlistEdit | null): Promise<boolean> => {
    const list = current();
    const change = list && make(list);
    return change ? edit(change) : Promise.resolve(false);
  };

  return {
    lists,
    current,
    currentId,
    error,
    retry: () => retryLast?.(),
    load,
    select: (list: number) => edit({ kind: "select", list }),
    create: (name: string) => edit({ kind: "create", name }),
    rename: (list: number, name: string) => edit({ kind: "rename", list, name }),
    delete: (list: number) => edit({ kind: "delete", list }),
    /** Adds to the current list. */
    add: (symbol: string) => onCurrent((l) => ({ kind: "add", list: l.id, symbol })),
    remove: (symbol: string) => onCurrent((l) => ({ kind: "remove", list: l.id, symbol })),
    move: (symbol: string, to: number) => onCurrent((l) => ({ kind: "move", list: l.id, symbol, to })),
    /** Moves a list among the lists; the first one feeds the tray ticker. */
    moveList: (list: number, to: number) => edit({ kind: "moveList", list, to }),
    /** Alt+← (-1) or Alt+→ (+1) on a list's tab; nothing at either end. */
    moveListBy: (list: number, by: number) => {
      const ids = lists()?.lists.map((l) => l.id) ?? [];
      const to = movedBy(ids, list, by);
      return to === null ? Promise.resolve(false) : edit({ kind: "moveList", list, to });
    },
    /** Alt+↑ (-1) or Alt+↓ (+1); nothing at either end. */
    moveBy: (symbol: string, by: number) =>
      onCurrent((l) => {
        const to = movedBy(l.symbols, symbol, by);
        return to === null ? null : { kind: "move", list: l.id, symbol, to };
      }),
  };
}
