// The trader's look: which palette (following the OS unless overridden) and
// which up/down colours. Pure, so the choice logic is tested without a DOM;
// look.ts applies it to the page.
import { storedFields } from "../ui/stored";

export type ThemeChoice = "system" | "light" | "dark";
export type Palette = "light" | "dark";
/** Green/red, or blue/orange for colour-blind traders. */
export type UpDown = "green-red" | "blue-orange";
export type Look = { theme: ThemeChoice; upDown: UpDown };

export const THEME_CHOICES: readonly { value: ThemeChoice; label: string }[] = [
  { value: "system", label: "System" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];
export const UP_DOWN_CHOICES: readonly { value: UpDown; label: string }[] = [
  { value: "green-red", label: "Green / red" },
  { value: "blue-orange", label: "Blue / orange (colour-blind safe)" },
];

export const DEFAULT_LOOK: Look = { theme: "system", upDown: "green-red" };
/** localStorage key: a display preference, nothing secret. */
export const LOOK_KEY = "aries-desk.look";

/** The palette to draw with: the trader's choice, or the OS's when they chose "system". */
export function resolvePalette(choice: ThemeChoice, systemDark: boolean): Palette {
  if (choice === "system") return systemDark ? "dark" : "light";
  return choice;
}

/** A stored look, tolerant of anything (an older version, a hand edit): unknown values fall back to the defaults. */
export function parseLook(raw: string | null): Look {
  const field = storedFields(raw);
  const theme = THEME_CHOICES.find((c) => c.value === field("theme"))?.value ?? DEFAULT_LOOK.theme;
  const upDown = UP_DOWN_CHOICES.find((c) => c.value === field("upDown"))?.value ?? DEFAULT_LOOK.upDown;
  return { theme, upDown };
}
