// Applies the look to the page: data-theme and data-updown on <html> select the
// palettes in styles.css. The attributes are written before the signal
// changes, so whoever reacts (the chart, reading CSS variables) sees the new colours.
import { createSignal } from "solid-js";
import { LOOK_KEY, type Look, type Palette, type UpDown, parseLook, resolvePalette, type ThemeChoice } from "./theme";

export type Applied = { palette: Palette; upDown: UpDown };

const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
const [look, setLookSignal] = createSignal<Look>(parseLook(read()));
const [applied, setApplied] = createSignal<Applied>(apply(look()), {
  equals: (a, b) => a.palette === b.palette && a.upDown === b.upDown,
});
systemDark.addEventListener("change", () => setApplied(apply(look())));

function read(): string | null {
  try {
    return localStorage.getItem(LOOK_KEY);
  } catch {
    return null; // storage disabled: the defaults, for this window
  }
}

function apply(l: Look): Applied {
  const out = { palette: resolvePalette(l.theme, systemDark.matches), upDown: l.upDown };
  document.documentElement.dataset.theme = out.palette;
  document.documentElement.dataset.updown = out.upDown;
  return out;
}

function change(next: Look) {
  setLookSignal(next);
  setApplied(apply(next));
  try {
    localStorage.setItem(LOOK_KEY, JSON.stringify(next));
  } catch {
    // storage full or disabled: the choice lasts until the window closes
  }
}

/** What the trader chose. */
export { look };
/** What is on screen: the palette (the OS's for "system") and the up/down colours. */
export { applied };
export const setTheme = (theme: ThemeChoice) => change({ ...look(), theme });
export const setUpDown = (upDown: UpDown) => change({ ...look(), upDown });
