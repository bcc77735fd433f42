// The keys of a focused watchlist row: ↑/↓ go to the next row, Alt+↑/↓ move
// the symbol within its list, Enter shows it (chart and ticket), Delete
// removes it. And of a focused list tab: ←/→ (Home/End) go to another tab,
// Alt+←/→ move the list among the lists, Enter or Space shows it.

type Keys = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">;

export type RowCommand = "focusUp" | "focusDown" | "moveUp" | "moveDown" | "pick" | "remove";

export function rowCommand(e: Keys): RowCommand | null {
  if (e.ctrlKey || e.metaKey || e.shiftKey) return null;
  switch (e.key) {
    case "ArrowUp":
      return e.altKey ? "moveUp" : "focusUp";
    case "ArrowDown":
      return e.altKey ? "moveDown" : "focusDown";
    case "Enter":
      return e.altKey ? null : "pick";
    case "Delete":
      return e.altKey ? null : "remove";
    default:
      return null;
  }
}

export type TabCommand = "focusPrev" | "focusNext" | "focusFirst" | "focusLast" | "moveLeft" | "moveRight" | "show";

export function tabCommand(e: Keys): TabCommand | null {
  if (e.ctrlKey || e.metaKey || e.shiftKey) return null;
  switch (e.key) {
    case "ArrowLeft":
      return e.altKey ? "moveLeft" : "focusPrev";
    case "ArrowRight":
      return e.altKey ? "moveRight" : "focusNext";
    case "Home":
      return e.altKey ? null : "focusFirst";
    case "End":
      return e.altKey ? null : "focusLast";
    case "Enter":
    case " ":
      return e.altKey ? null : "show";
    default:
      return null;
  }
}
