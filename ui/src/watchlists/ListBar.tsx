import { For, Match, Show, Switch, createMemo, createSignal } from "solid-js";
import type { WatchlistStore } from "./store";
import { createTabReorder } from "./tabs";

type Mode = { kind: "idle" } | { kind: "name"; list: number | null } | { kind: "delete"; list: number };

/**
 * The saved lists as tabs: shows one, reorders them (drag, or Alt+←/→ on a
 * focused tab), and creates, renames and deletes them. Names are typed
 * inline (Enter saves, Escape cancels); a delete asks once.
 */
export function ListBar(props: { store: WatchlistStore }) {
  const [mode, setMode] = createSignal<Mode>({ kind: "idle" });
  const [name, setName] = createSignal("");
  const lists = () => props.store.lists();
  const current = () => props.store.current();
  const full = () => (lists()?.lists.length ?? 0) >= (lists()?.maxLists ?? 0);
  // Keyed by id, not by list: a tab keeps its node (and the focus) when Rust's answer replaces the lists.
  const ids = createMemo(() => lists()?.lists.map((l) => l.id) ?? [], [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const byId = (id: number) => lists()?.lists.find((l) => l.id === id);
  const reorder = createTabReorder({
    ids,
    onShow: (id) => void props.store.select(id),
    onMove: (id, to) => void props.store.moveList(id, to),
    onMoveBy: (id, by) => void props.store.moveListBy(id, by),
  });
  let tabsRef: HTMLDivElement | undefined;

  const startNaming = (list: number | null) => {
    setName(list === null ? "" : (current()?.name ?? ""));
    setMode({ kind: "name", list });
  };
  const done = () => {
    setMode({ kind: "idle" });
    queueMicrotask(() => tabsRef?.querySelector<HTMLElement>('[aria-selected="true"]')?.focus());
  };
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const m = mode();
    if (m.kind !== "name") return;
    const ok = m.list === null ? await props.store.create(name()) : await props.store.rename(m.list, name());
    if (ok) done(); // refused: the form stays, with the reason below it
  };
  const remove = async (list: number) => {
    if (await props.store.delete(list)) done();
  };

  return (
    <div class="list-bar">
      <Switch>
        <Match when={mode().kind === "idle"}>
          <div ref={tabsRef} class="tab-strip list-tabs" role="tablist" aria-label="Watchlists" data-testid="watchlist-tabs">
            <For each={ids()}>
              {(id, at) => (
                <button
                  type="button"
                  role="tab"
                  class="list-tab"
                  data-testid={`watchlist-tab-${id}`}
                  aria-selected={props.store.currentId() === id}
                  tabIndex={props.store.currentId() === id ? 0 : -1}
                  title={
                    at() === 0
                      ? "The tray ticker follows this list, the first. Alt+←/→ or a drag reorders the lists."
                      : "Alt+←/→ or a drag reorders the lists; the tray ticker follows the first."
                  }
                  onClick={() => void props.store.select(id)}
                  {...reorder.tabProps(id)}
                >
                  <span class="tab-name">{byId(id)?.name}</span>
                  <span class="tab-count">{byId(id)?.symbols.length}</span>
                </button>
              )}
            </For>
          </div>
          <button
            type="button"
            class="icon"
            data-testid="watchlist-new"
            disabled={full()}
            title={full() ? `At most ${lists()?.maxLists} watchlists` : "New watchlist"}
            aria-label="New watchlist"
            onClick={() => startNaming(null)}
          >
            +
          </button>
          <button
            type="button"
            class="link"
            data-testid="watchlist-rename"
            onClick={() => startNaming(props.store.currentId())}
          >
            Rename
          </button>
          <button
            type="button"
            class="link"
            data-testid="watchlist-delete"
            disabled={(lists()?.lists.length ?? 0) <= 1}
            title={(lists()?.lists.length ?? 0) <= 1 ? "Your only watchlist cannot be deleted" : undefined}
            onClick={() => {
              const id = props.store.currentId();
              if (id !== null) setMode({ kind: "delete", list: id });
            }}
          >
            Delete
          </button>
        </Match>
        <Match when={mode().kind === "name"}>
          <form class="list-name" onSubmit={save} onKeyDown={(e) => e.key === "Escape" && done()}>
            <input
              ref={(el) => queueMicrotask(() => el.focus())}
              data-testid="watchlist-name"
              aria-label={(mode() as { list: number | null }).list === null ? "New watchlist's name" : "Watchlist's new name"}
              maxLength={lists()?.maxName}
              placeholder="List name"
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <button type="submit" class="primary small" data-testid="watchlist-name-save">
              {(mode() as { list: number | null }).list === null ? "Create" : "Rename"}
            </button>
            <button type="button" class="link" onClick={done}>
              Cancel
            </button>
          </form>
        </Match>
        <Match when={mode().kind === "delete"}>
          <div class="list-delete" role="group" aria-label="Delete watchlist" onKeyDown={(e) => e.key === "Escape" && done()}>
            <span>Delete “{current()?.name}”?</span>
            <button
              type="button"
              class="primary sell small"
              data-testid="watchlist-delete-confirm"
              ref={(el) => queueMicrotask(() => el.focus())}
              onClick={() => void remove((mode() as { list: number }).list)}
            >
              Delete
            </button>
            <button type="button" class="link" onClick={done}>
              Keep
            </button>
          </div>
        </Match>
      </Switch>
      <Show when={lists()}>
        <span class="sr-only" role="status">
          {current() ? `${current()?.name}, ${current()?.symbols.length} symbols` : ""}
        </span>
      </Show>
    </div>
  );
}
