// What makes a watchlist row reorderable, by drag and by keyboard: the
// attributes and handlers QuoteLine spreads onto its <tr>. A row is focusable;
// ↑/↓ go to the next row, Alt+↑/↓ move the symbol and keep the focus on it.
import { createSignal, type JSX } from "solid-js";
import { dropIndex } from "./edit";
import { rowCommand } from "./keys";

export type RowActions = {
  symbols: () => readonly string[];
  onMove: (symbol: string, to: number) => void;
  onMoveBy: (symbol: string, by: number) => void;
  onPick: (symbol: string) => void;
  onRemove: (symbol: string) => void;
};

type RowProps = JSX.HTMLAttributes<HTMLTableRowElement> & { draggable: boolean; "data-drop"?: string };

export function createRowReorder(actions: RowActions) {
  const [dragging, setDragging] = createSignal<string | null>(null);
  const [over, setOver] = createSignal<{ symbol: string; after: boolean } | null>(null);
  const reset = () => {
    setDragging(null);
    setOver(null);
  };

  function onKeyDown(symbol: string, e: KeyboardEvent & { currentTarget: HTMLTableRowElement }) {
    const command = rowCommand(e);
    if (!command || e.target !== e.currentTarget) return; // keys on the row's own buttons stay theirs
    e.preventDefault();
    const row = e.currentTarget;
    const sibling = (el: Element | null) => (el instanceof HTMLElement ? el : null);
    switch (command) {
      case "focusUp":
        return sibling(row.previousElementSibling)?.focus();
      case "focusDown":
        return sibling(row.nextElementSibling)?.focus();
      case "moveUp":
      case "moveDown":
        actions.onMoveBy(symbol, command === "moveUp" ? -1 : 1);
        // The list re-renders at once; moving a node in the DOM can drop its focus.
        return row.focus();
      case "pick":
        return actions.onPick(symbol);
      case "remove": {
        const next = sibling(row.nextElementSibling) ?? sibling(row.previousElementSibling);
        actions.onRemove(symbol);
        return next?.focus();
      }
    }
  }

  /** The <tr> attributes of `symbol`'s row. */
  function rowProps(symbol: string): RowProps {
    return {
      tabIndex: 0,
      draggable: true,
      "aria-keyshortcuts": "Alt+ArrowUp Alt+ArrowDown",
      get "data-drop"() {
        const target = over();
        return target?.symbol === symbol && dragging() !== symbol ? (target.after ? "after" : "before") : undefined;
      },
      onKeyDown: (e) => onKeyDown(symbol, e),
      onDragStart: (e) => {
        setDragging(symbol);
        e.dataTransfer?.setData("text/plain", symbol);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
      },
      onDragOver: (e) => {
        if (!dragging()) return; // not one of our rows
        e.preventDefault();
        const box = e.currentTarget.getBoundingClientRect();
        setOver({ symbol, after: e.clientY > box.top + box.height / 2 });
      },
      onDrop: (e) => {
        e.preventDefault();
        const from = dragging();
        const target = over();
        reset();
        const to = from && target ? dropIndex(actions.symbols(), from, target.symbol, target.after) : null;
        if (from && to !== null) actions.onMove(from, to);
      },
      onDragEnd: reset,
    };
  }

  return { rowProps };
}
