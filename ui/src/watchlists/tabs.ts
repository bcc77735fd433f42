// What makes the list tabs reorderable, by drag and by keyboard, as rows.ts
// does for a list's rows: one tab in the tab order (the one shown), ←/→ go
// to the next tab, Enter shows it, Alt+←/→ move the list and keep the focus
// on it. The first list feeds the tray ticker, so a move can change what the
// tray shows (src-tauri/watchlists.rs).
import { createSignal, type JSX } from "solid-js";
import { dropIndex } from "./edit";
import { tabCommand } from "./keys";

export type TabActions = {
  ids: () => readonly number[];
  onShow: (list: number) => void;
  onMove: (list: number, to: number) => void;
  onMoveBy: (list: number, by: number) => void;
};

type TabProps = JSX.ButtonHTMLAttributes<HTMLButtonElement> & { draggable: boolean; "data-drop"?: string };

export function createTabReorder(actions: TabActions) {
  const [dragging, setDragging] = createSignal<number | null>(null);
  const [over, setOver] = createSignal<{ list: number; after: boolean } | null>(null);
  const reset = () => {
    setDragging(null);
    setOver(null);
  };

  function onKeyDown(list: number, e: KeyboardEvent & { currentTarget: HTMLButtonElement }) {
    const command = tabCommand(e);
    if (!command) return;
    e.preventDefault();
    const tab = e.currentTarget;
    const tabs = [...(tab.parentElement?.querySelectorAll<HTMLElement>('[role="tab"]') ?? [])];
    const at = tabs.indexOf(tab);
    const focus = (el: HTMLElement | undefined) => el?.focus();
    switch (command) {
      case "focusPrev":
        return focus(tabs[at - 1]);
      case "focusNext":
        return focus(tabs[at + 1]);
      case "focusFirst":
        return focus(tabs[0]);
      case "focusLast":
        return focus(tabs.at(-1));
      case "show":
        return actions.onShow(list);
      case "moveLeft":
      case "moveRight":
        actions.onMoveBy(list, command === "moveLeft" ? -1 : 1);
        // The tabs re-render at once; moving a node in the DOM can drop its focus.
        tab.focus();
        return tab.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  /** The <button role="tab"> attributes of `list`'s tab. */
  function tabProps(list: number): TabProps {
    return {
      draggable: true,
      "aria-keyshortcuts": "Alt+ArrowLeft Alt+ArrowRight",
      get "data-drop"() {
        const target = over();
        return target?.list === list && dragging() !== list ? (target.after ? "after" : "before") : undefined;
      },
      onKeyDown: (e) => onKeyDown(list, e),
      onDragStart: (e) => {
        setDragging(list);
        e.dataTransfer?.setData("text/plain", String(list));
        if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
      },
      onDragOver: (e) => {
        if (dragging() === null) return; // not one of our tabs
        e.preventDefault();
        const box = e.currentTarget.getBoundingClientRect();
        setOver({ list, after: e.clientX > box.left + box.width / 2 });
      },
      onDrop: (e) => {
        e.preventDefault();
        const from = dragging();
        const target = over();
        reset();
        const to = from !== null && target ? dropIndex(actions.ids(), from, target.list, target.after) : null;
        if (from !== null && to !== null) actions.onMove(from, to);
      },
      onDragEnd: reset,
    };
  }

  return { tabProps };
}
