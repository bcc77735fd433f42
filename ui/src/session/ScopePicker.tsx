import { For } from "solid-js";
import { SCOPES } from "./scopes";

/** Checkboxes for the scopes the next sign-in asks Aries for. */
export function ScopePicker(props: { selected: readonly string[]; onChange: (scopes: string[]) => void }) {
  const toggle = (scope: string, on: boolean) =>
    props.onChange(on ? [...props.selected, scope] : props.selected.filter((s) => s !== scope));
  return (
    <fieldset class="scopes">
      <legend>Permissions to ask for</legend>
      <For each={SCOPES}>
        {(info) => (
          <label class="scope">
            <input
              type="checkbox"
              value={info.scope}
              checked={props.selected.includes(info.scope)}
              onChange={(e) => toggle(info.scope, e.currentTarget.checked)}
            />
            <span>{info.label}</span>
            <code>{info.scope}</code>
          </label>
        )}
      </For>
    </fieldset>
  );
}
