import { onCleanup } from "solid-js";
import { type Target, globalCommand } from "./keymap";

/** The window-wide single-key commands (keymap.ts), for as long as the caller lives. */
export function onGlobalKeys(run: { help: () => void; ticket: () => void; hud: () => void }) {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented) return;
    const command = globalCommand(e, e.target instanceof HTMLElement ? (e.target as Target) : null);
    if (!command) return;
    e.preventDefault();
    run[command]();
  };
  window.addEventListener("keydown", onKey);
  onCleanup(() => window.removeEventListener("keydown", onKey));
}
