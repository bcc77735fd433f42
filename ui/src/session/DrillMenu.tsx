import { createSignal, For } from "solid-js";
import type { Drill } from "../bindings";
import * as ipc from "../ipc";
import { ErrorNote } from "../ui/ErrorNote";
import { createAction } from "../ui/action";
import { DRILLS } from "./drill";

/** The header's *Drill* menu (sandbox only: see drill.ts). */
export function DrillMenu() {
  const [on, setOn] = createSignal<readonly Drill[]>([]);
  const run = createAction(async (which: Drill) => setOn(await ipc.drill(which)));
  return (
    <details class="settings look-settings drill-settings" data-testid="drill-menu">
      <summary title="Practise what the app shows when Aries misbehaves (sandbox only)">
        Drill{on().length > 0 ? ` (${on().length})` : ""}
      </summary>
      <div class="look-menu drill-menu">
        <For each={DRILLS}>
          {(item) => (
            <button
              type="button"
              data-testid={`drill-${item.drill}`}
              aria-pressed={on().includes(item.drill)}
              title={item.hint}
              disabled={run.pending()}
              onClick={() => void run.run(item.drill)}
            >
              {on().includes(item.drill) ? "✓ " : ""}
              {item.label}
            </button>
          )}
        </For>
        <button type="button" data-testid="drill-clear" disabled={run.pending()} onClick={() => void run.run("clear")}>
          Clear all drills
        </button>
        <ErrorNote error={run.error()} testId="drill-error" />
      </div>
    </details>
  );
}
