// The palette's keys: the shortcut that opens it (Ctrl+K, Cmd+K on macOS) and
// what each key does inside it.

type Keys = Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "altKey" | "shiftKey">;

/** macOS uses Cmd where other systems use Ctrl. */
export function isMacPlatform(platform: string): boolean {
  return /Mac|iPhone|iPad/i.test(platform);
}

/** Ctrl+K (Cmd+K on macOS), by key or, on layouts without a K, by position. */
export function isPaletteShortcut(e: Keys, mac: boolean): boolean {
  const k = e.key.toLowerCase() === "k" || e.code === "KeyK";
  const modifier = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  return k && modifier && !e.altKey && !e.shiftKey;
}

/** How the shortcut is written for this system. */
export const shortcutLabel = (mac: boolean) => (mac ? "⌘K" : "Ctrl+K");

export type PaletteCommand = "next" | "previous" | "show" | "watch" | "close";

/** The palette's command for a key typed in its search box; null leaves the key to the box. */
export function paletteCommand(e: Keys): PaletteCommand | null {
  if (e.ctrlKey || e.metaKey) return null;
  switch (e.key) {
    case "ArrowDown":
      return e.altKey ? null : "next";
    case "ArrowUp":
      return e.altKey ? null : "previous";
    case "Enter":
      return e.altKey ? "watch" : "show";
    case "Escape":
      return "close";
    default:
      return null;
  }
}
