// The keys of a focused watchlist row: ↑/↓ go to the next row, Alt+↑/↓ move
// the symbol within its list, Enter shows it (chart and ticket), Delete
// removes it.

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
