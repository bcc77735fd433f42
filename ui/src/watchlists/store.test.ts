import { createRoot } from "solid-js";
import { describe, expect, it } from "vitest";
import type { AppError, WatchlistEdit, WatchlistsView } from "../bindings";
import { dropIndex } from "./edit";
import { rowCommand } from "./keys";
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
