// Every keyboard shortcut of the app, as data: the help overlay (?) is
// rendered from this list, and keymap.test.ts checks it is complete. A panel
// that gains a key adds its binding here (in its scope, or a new one).
//
// Chords are written with tokens: "Mod" is Ctrl (Cmd on macOS), "Alt" is Alt
// (Option on macOS); the rest are KeyboardEvent.key names.

export type Scope = "anywhere" | "palette" | "lists" | "watchlist" | "ticket" | "confirm" | "orders" | "help";

/** The help overlay's sections, in this order. */
export const SCOPES: readonly { scope: Scope; title: string }[] = [
  { scope: "anywhere", title: "Anywhere (not while typing in a box)" },
  { scope: "palette", title: "Symbol palette" },
  { scope: "lists", title: "Watchlist tabs (on a focused tab)" },
  { scope: "watchlist", title: "Watchlist (on a focused row)" },
  { scope: "ticket", title: "Order ticket" },
  { scope: "confirm", title: "Confirming an order" },
  { scope: "orders", title: "Orders list (when it has the focus)" },
  { scope: "help", title: "This list" },
];

export type Binding = {
  id: string;
  scope: Scope;
  /** Alternatives, each a chord of tokens pressed together. */
  keys: readonly (readonly string[])[];
  does: string;
};

export const KEYMAP: readonly Binding[] = [
  { id: "palette.open", scope: "anywhere", keys: [["Mod", "K"]], does: "Search symbols (works while typing, too)" },
  { id: "help.open", scope: "anywhere", keys: [["?"]], does: "Show this list of keys" },
  { id: "ticket.focus", scope: "anywhere", keys: [["T"]], does: "Go to the order ticket (its quantity, once a symbol is on it)" },
  {
    id: "hud.toggle",
    scope: "anywhere",
    keys: [["F"]],
    does: "Show or hide the freshness readout: tick age, tick-to-paint, the last order's round trip, both sockets",
  },
  { id: "focus.move", scope: "anywhere", keys: [["Tab"], ["Shift", "Tab"]], does: "Next or previous control" },
  { id: "palette.move", scope: "palette", keys: [["ArrowDown"], ["ArrowUp"]], does: "Select the next or previous match" },
  { id: "palette.show", scope: "palette", keys: [["Enter"]], does: "Show the symbol in the chart and put it on the ticket" },
  { id: "palette.watch", scope: "palette", keys: [["Alt", "Enter"]], does: "Add the symbol to the watchlist shown, saved (stays open)" },
  { id: "palette.close", scope: "palette", keys: [["Escape"]], does: "Close the palette" },
  { id: "lists.focus", scope: "lists", keys: [["ArrowLeft"], ["ArrowRight"]], does: "Go to the previous or next list's tab" },
  { id: "lists.show", scope: "lists", keys: [["Enter"], [" "]], does: "Show the list" },
  {
    id: "lists.move",
    scope: "lists",
    keys: [["Alt", "ArrowLeft"], ["Alt", "ArrowRight"]],
    does: "Move the list left or right (saved; dragging a tab works too). The tray ticker follows the first list",
  },
  { id: "watchlist.focus", scope: "watchlist", keys: [["ArrowDown"], ["ArrowUp"]], does: "Go to the next or previous row" },
  { id: "watchlist.move", scope: "watchlist", keys: [["Alt", "ArrowUp"], ["Alt", "ArrowDown"]], does: "Move the symbol up or down the list (saved; dragging a row works too)" },
  { id: "watchlist.pick", scope: "watchlist", keys: [["Enter"]], does: "Show the symbol in the chart and put it on the ticket" },
  { id: "watchlist.remove", scope: "watchlist", keys: [["Delete"]], does: "Remove the symbol from the list" },
  { id: "ticket.preview", scope: "ticket", keys: [["Enter"]], does: "Preview the order (in any field). Enter never places an order" },
  { id: "confirm.reach", scope: "confirm", keys: [["Tab"]], does: "From the preview to Back, then to Confirm" },
  {
    id: "confirm.place",
    scope: "confirm",
    keys: [["Enter"], [" "]],
    does: "On the focused Confirm button: place the order (the deliberate second step)",
  },
  { id: "confirm.back", scope: "confirm", keys: [["Escape"]], does: "Back to the ticket; nothing is sent" },
  { id: "orders.move", scope: "orders", keys: [["ArrowDown"], ["ArrowUp"]], does: "Select the next or previous order" },
  { id: "orders.details", scope: "orders", keys: [["Enter"]], does: "Show or hide the order's details (id chain, fills, reason)" },
  { id: "orders.modify", scope: "orders", keys: [["M"]], does: "Modify the order's price or quantity (preview, then confirm)" },
  { id: "orders.cancel", scope: "orders", keys: [["Delete"], ["C"]], does: "Cancel the selected working order" },
  { id: "orders.close", scope: "orders", keys: [["Escape"]], does: "Close the editor and the details" },
  { id: "help.close", scope: "help", keys: [["Escape"], ["?"]], does: "Close this list" },
];

const NAMES: Record<string, { mac: string; other: string }> = {
  Mod: { mac: "⌘", other: "Ctrl" },
  Alt: { mac: "⌥", other: "Alt" },
  Shift: { mac: "⇧", other: "Shift" },
  ArrowDown: { mac: "↓", other: "↓" },
  ArrowUp: { mac: "↑", other: "↑" },
  Escape: { mac: "Esc", other: "Esc" },
  " ": { mac: "Space", other: "Space" },
};

/** A chord as this system writes it: "Ctrl+K" or "⌘K". */
export function chordLabel(chord: readonly string[], mac: boolean): string {
  const names = chord.map((t) => (NAMES[t] ? NAMES[t][mac ? "mac" : "other"] : t));
  return names.join(mac ? "" : "+");
}

export type HelpRow = { id: string; keys: string[]; does: string };
export type HelpSection = { scope: Scope; title: string; rows: HelpRow[] };

/** What the help overlay shows: every binding, grouped by scope, with its keys written for this system. */
export function helpSections(mac: boolean, map: readonly Binding[] = KEYMAP): HelpSection[] {
  return SCOPES.map(({ scope, title }) => ({
    scope,
    title,
    rows: map
      .filter((b) => b.scope === scope)
      .map((b) => ({ id: b.id, keys: b.keys.map((k) => chordLabel(k, mac)), does: b.does })),
  })).filter((s) => s.rows.length > 0);
}

/** The parts of an element that decide whether keys typed on it are text. */
export type Target = { tagName?: string; type?: string; isContentEditable?: boolean } | null;

const NOT_TEXT = new Set(["button", "checkbox", "radio", "range", "color", "file", "submit", "reset", "image"]);

/** Keys typed here go into a box (or a list's type-ahead): single-key shortcuts must leave them alone. */
export function isTyping(target: Target): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName?.toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  return tag === "INPUT" && !NOT_TEXT.has((target.type ?? "text").toLowerCase());
}

type Keys = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">;

/** The window-wide single-key command for a key press, or null; never while typing. */
export function globalCommand(e: Keys, target: Target): "help" | "ticket" | "hud" | null {
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(target)) return null;
  if (e.key === "?") return "help";
  if (e.key === "t" || e.key === "T") return "ticket";
  if (e.key === "f" || e.key === "F") return "hud";
  return null;
}
