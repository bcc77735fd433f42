import { createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import type { AppError, WatchlistEdit, WatchlistsView, WatchlistView } from "../bindings";
import { dropIndex } from "./edit";
import { rowCommand, tabCommand } from "./keys";
import { type WatchlistsApi, createWatchlists } from "./store";

const view = (symbols: string[], more: WatchlistsView["lists"] = []): WatchlistsView => ({
  lists: [{ id: 1, name: "Watchlist", symbols }, ...more],
  current: 1,
  maxName: 40,
  maxSymbols: 200,
  maxLists: 20,
});

/** Rust played by hand: each edit waits until the test answers it. */
function fakeRust(initial: WatchlistsView) {
  const sent: WatchlistEdit[] = [];
  const waiting: { resolve: (v: WatchlistsView) => void; reject: (e: AppError) => void }[] = [];
  const api: WatchlistsApi = {
    load: async () => initial,
    edit: (edit) =>
      new Promise((resolve, reject) => {
        sent.push(edit);
        waiting.push({ resolve, reject });
      }),
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return {
    api,
    sent,
    /** Answers the oldest edit still waiting. */
    async answer(withView: WatchlistsView) {
      await tick();
      waiting.shift()?.resolve(withView);
      await tick();
    },
    async refuse(message: string) {
      await tick();
      waiting.shift()?.reject({ code: "validation", message, retryable: false });
      await tick();
    },
  };
}

const shown = (store: ReturnType<typeof createWatchlists>) => store.current()?.symbols;

describe("the watchlists store", () => {
  it("loads the saved lists and adds, removes and moves symbols, as Rust saves them", async () => {
    await createRoot(async (dispose) => {
      const rust = fakeRust(view(["AAPL", "MSFT", "SPY"]));
      const store = createWatchlists(rust.api);
      await store.load();
      expect(shown(store)).toEqual(["AAPL", "MSFT", "SPY"]);

      const added = store.add("nvda");
      expect(shown(store)).toEqual(["AAPL", "MSFT", "SPY", "NVDA"]); // at once, before Rust answers
      await rust.answer(view(["AAPL", "MSFT", "SPY", "NVDA"]));
      expect(await added).toBe(true);
      expect(rust.sent).toEqual([{ kind: "add", list: 1, symbol: "nvda" }]);

      void store.move("NVDA", 0);
      expect(shown(store)).toEqual(["NVDA", "AAPL", "MSFT", "SPY"]);
      await rust.answer(view(["NVDA", "AAPL", "MSFT", "SPY"]));

      void store.remove("MSFT");
      expect(shown(store)).toEqual(["NVDA", "AAPL", "SPY"]);
      await rust.answer(view(["NVDA", "AAPL", "SPY"]));
      expect(rust.sent.slice(1)).toEqual([
        { kind: "move", list: 1, symbol: "NVDA", to: 0 },
        { kind: "remove", list: 1, symbol: "MSFT" },
      ]);
      dispose();
    });
  });

  it("moves by keyboard one place at a time, in order, and never past either end", async () => {
    await createRoot(async (dispose) => {
      const rust = fakeRust(view(["AAPL", "MSFT", "SPY"]));
      const store = createWatchlists(rust.api);
      await store.load();
      // Two Alt+↓ before Rust answers the first: the second moves from where the first left it.
      void store.moveBy("AAPL", 1);
      void store.moveBy("AAPL", 1);
      expect(shown(store)).toEqual(["MSFT", "SPY", "AAPL"]);
      expect(await store.moveBy("AAPL", 1)).toBe(false); // at the bottom: nothing is sent
      await rust.answer(view(["MSFT", "AAPL", "SPY"]));
      expect(shown(store)).toEqual(["MSFT", "SPY", "AAPL"]); // a later edit is still in flight
      await rust.answer(view(["MSFT", "SPY", "AAPL"]));
      expect(rust.sent).toEqual([
        { kind: "move", list: 1, symbol: "AAPL", to: 1 },
        { kind: "move", list: 1, symbol: "AAPL", to: 2 },
      ]);
      expect(await store.moveBy("MSFT", -1)).toBe(false);
      dispose();
    });
  });

  it("puts the saved lists back and says why when Rust refuses an edit", async () => {
    await createRoot(async (dispose) => {
      const rust = fakeRust(view(["AAPL"]));
      const store = createWatchlists(rust.api);
      await store.load();
      const added = store.add("MSFT");
      expect(shown(store)).toEqual(["AAPL", "MSFT"]);
      await rust.refuse("“Watchlist” is full (200 symbols): remove one or add to another list.");
      expect(await added).toBe(false);
      expect(shown(store)).toEqual(["AAPL"]);
      expect(store.error()?.message).toMatch(/is full/);
      dispose();
    });
  });

  it("switches, creates and deletes lists with Rust's answer", async () => {
    await createRoot(async (dispose) => {
      const energy = { id: 2, name: "Energy", symbols: ["XOM"] };
      const rust = fakeRust(view(["AAPL"], [energy]));
      const store = createWatchlists(rust.api);
      await store.load();
      void store.select(2);
      expect(store.currentId()).toBe(2); // at once
      await rust.answer({ ...view(["AAPL"], [energy]), current: 2 });
      expect(shown(store)).toEqual(["XOM"]);
      void store.add("CVX");
      await rust.answer({ ...view(["AAPL"], [{ ...energy, symbols: ["XOM", "CVX"] }]), current: 2 });
      expect(rust.sent.at(-1)).toEqual({ kind: "add", list: 2, symbol: "CVX" }); // to the list shown

      void store.create("Tech");
      expect(store.lists()?.lists).toHaveLength(2); // a new list waits for Rust's id
      await rust.answer({ ...view(["AAPL"], [energy, { id: 3, name: "Tech", symbols: [] }]), current: 3 });
      expect(store.current()?.name).toBe("Tech");
      void store.delete(3);
      await rust.answer({ ...view(["AAPL"], [energy]), current: 2 });
      expect(store.lists()?.lists.map((l) => l.name)).toEqual(["Watchlist", "Energy"]);
      dispose();
    });
  });
});

describe("reordering the lists", () => {
  const three = (): WatchlistsView => ({
    ...view(["AAPL"], [
      { id: 2, name: "Energy", symbols: ["XOM"] },
      { id: 3, name: "Tech", symbols: ["NVDA"] },
    ]),
  });
  const order = (store: ReturnType<typeof createWatchlists>) => store.lists()?.lists.map((l) => l.name);
  const moved = (names: string[]): WatchlistsView => {
    const all = three().lists;
    return { ...three(), lists: names.map((n) => all.find((l) => l.name === n) as WatchlistView) };
  };

  it("moves a list at once, sends the move to Rust, and shows what Rust saved", async () => {
    await createRoot(async (dispose) => {
      const rust = fakeRust(three());
      const store = createWatchlists(rust.api);
      await store.load();
      void store.moveList(3, 0); // a drop before the first tab
      expect(order(store)).toEqual(["Tech", "Watchlist", "Energy"]);
      expect(store.currentId()).toBe(1); // moving a list does not show it
      await rust.answer(moved(["Tech", "Watchlist", "Energy"]));
      expect(rust.sent).toEqual([{ kind: "moveList", list: 3, to: 0 }]);
      // Rust's answer wins: the first list is what the tray ticker follows.
      expect(store.lists()?.lists[0].id).toBe(3);
      dispose();
    });
  });

  it("moves by Alt+←/→ one place at a time, in order, never past either end, and puts a refused move back", async () => {
    await createRoot(async (dispose) => {
      const rust = fakeRust(three());
      const store = createWatchlists(rust.api);
      await store.load();
      expect(await store.moveListBy(1, -1)).toBe(false); // already first: nothing sent
      void store.moveListBy(1, 1);
      void store.moveListBy(1, 1);
      expect(order(store)).toEqual(["Energy", "Tech", "Watchlist"]);
      expect(await store.moveListBy(1, 1)).toBe(false); // now last
      await rust.answer(moved(["Energy", "Watchlist", "Tech"]));
      expect(order(store)).toEqual(["Energy", "Tech", "Watchlist"]); // the second move is still in flight
      await rust.answer(moved(["Energy", "Tech", "Watchlist"]));
      expect(rust.sent).toEqual([
        { kind: "moveList", list: 1, to: 1 },
        { kind: "moveList", list: 1, to: 2 },
      ]);

      const refused = store.moveListBy(3, -1);
      expect(order(store)).toEqual(["Tech", "Energy", "Watchlist"]);
      await rust.refuse("That watchlist no longer exists: it may have been deleted.");
      expect(await refused).toBe(false);
      expect(order(store)).toEqual(["Energy", "Tech", "Watchlist"]);
      expect(store.error()?.message).toMatch(/no longer exists/);
      dispose();
    });
  });

  it("drops a dragged tab before or after another", () => {
    const ids = [1, 2, 3];
    expect(dropIndex(ids, 3, 1, false)).toBe(0);
    expect(dropIndex(ids, 1, 3, true)).toBe(2);
    expect(dropIndex(ids, 1, 2, false)).toBeNull(); // where it already is
    expect(dropIndex(ids, 2, 2, true)).toBeNull();
  });

  it("reads the tab keys: ←/→ go, Alt+←/→ move, Home/End, Enter and Space show", () => {
    const key = (k: string, alt = false, shift = false) => ({ key: k, altKey: alt, ctrlKey: false, metaKey: false, shiftKey: shift });
    expect(tabCommand(key("ArrowLeft", true))).toBe("moveLeft");
    expect(tabCommand(key("ArrowRight", true))).toBe("moveRight");
    expect(tabCommand(key("ArrowLeft"))).toBe("focusPrev");
    expect(tabCommand(key("ArrowRight"))).toBe("focusNext");
    expect(tabCommand(key("Home"))).toBe("focusFirst");
    expect(tabCommand(key("End"))).toBe("focusLast");
    expect(tabCommand(key("Enter"))).toBe("show");
    expect(tabCommand(key(" "))).toBe("show");
    expect(tabCommand(key("ArrowRight", true, true))).toBeNull();
    expect(tabCommand(key("ArrowUp", true))).toBeNull(); // a row's key, not a tab's
  });
});

describe("reordering a row", () => {
  it("drops a dragged row before or after another", () => {
    const list = ["AAPL", "MSFT", "SPY", "NVDA"];
    expect(dropIndex(list, "NVDA", "AAPL", false)).toBe(0);
    expect(dropIndex(list, "AAPL", "SPY", true)).toBe(2);
    expect(dropIndex(list, "AAPL", "MSFT", false)).toBeNull(); // where it already is
    expect(dropIndex(list, "AAPL", "AAPL", true)).toBeNull();
    expect(dropIndex(list, "TSLA", "AAPL", false)).toBeNull();
  });

  it("reads the row keys: Alt+↑/↓ move, ↑/↓ go, Enter picks, Delete removes", () => {
    const key = (k: string, alt = false, ctrl = false) => ({ key: k, altKey: alt, ctrlKey: ctrl, metaKey: false, shiftKey: false });
    expect(rowCommand(key("ArrowUp", true))).toBe("moveUp");
    expect(rowCommand(key("ArrowDown", true))).toBe("moveDown");
    expect(rowCommand(key("ArrowDown"))).toBe("focusDown");
    expect(rowCommand(key("ArrowUp"))).toBe("focusUp");
    expect(rowCommand(key("Enter"))).toBe("pick");
    expect(rowCommand(key("Delete"))).toBe("remove");
    expect(rowCommand(key("ArrowUp", true, true))).toBeNull();
    expect(rowCommand(key("a"))).toBeNull();
  });
});
