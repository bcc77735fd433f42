// The signed-in user's layout, kept in localStorage under their key (layout.ts).
import { createEffect, createSignal, on } from "solid-js";
import { DEFAULT_LAYOUT, type Layout, parseLayout, serializeLayout } from "./layout";

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage disabled: the defaults, for this window
  }
}

/** The layout under `key`, reloaded when the key changes (another user or backend); every change is saved. */
export function createLayout(key: () => string) {
  const [layout, setLayout] = createSignal<Layout>(parseLayout(read(key())));
  createEffect(on(key, (k) => setLayout(parseLayout(read(k))), { defer: true }));
  const save = (next: Layout) => {
    setLayout(next);
    try {
      localStorage.setItem(key(), serializeLayout(next));
    } catch {
      // storage full or disabled: the layout lasts until the window closes
    }
  };
  return {
    layout,
    /** Callers clamp sizes (layout.ts) before they change them. */
    change: (patch: Partial<Layout>) => save({ ...layout(), ...patch }),
    reset: () => save(DEFAULT_LAYOUT),
  };
}
