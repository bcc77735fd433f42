import { For } from "solid-js";
import { look, setTheme, setUpDown } from "./look";
import { THEME_CHOICES, UP_DOWN_CHOICES } from "./theme";

/** Display settings in the header: theme (System / Light / Dark) and up/down colours, remembered on this machine. */
export function LookSettings() {
  return (
    <details class="settings look-settings" data-testid="look-settings">
      <summary>Display</summary>
      <div class="look-menu">
        <label>
          <span>Theme</span>
          <select
            data-testid="theme-choice"
            value={look().theme}
            onChange={(e) => setTheme(THEME_CHOICES.find((c) => c.value === e.currentTarget.value)?.value ?? "system")}
          >
            <For each={THEME_CHOICES}>{(c) => <option value={c.value}>{c.label}</option>}</For>
          </select>
        </label>
        <label>
          <span>Up / down</span>
          <select
            data-testid="updown-choice"
            value={look().upDown}
            onChange={(e) =>
              setUpDown(UP_DOWN_CHOICES.find((c) => c.value === e.currentTarget.value)?.value ?? "green-red")
            }
          >
            <For each={UP_DOWN_CHOICES}>{(c) => <option value={c.value}>{c.label}</option>}</For>
          </select>
        </label>
      </div>
    </details>
  );
}
