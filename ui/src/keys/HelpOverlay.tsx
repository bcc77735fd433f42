import { For, onCleanup, onMount } from "solid-js";
import { isMacPlatform } from "../palette/keys";
import { helpSections } from "./keymap";

const MAC = isMacPlatform(navigator.platform || navigator.userAgent);

/** The keymap (keymap.ts), on `?`. Escape, `?` or Close shuts it; focus goes back where it was. */
export function HelpOverlay(props: { onClose: () => void }) {
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  let dialog!: HTMLDivElement;
  let close!: HTMLButtonElement;
  onMount(() => dialog.focus());
  onCleanup(() => {
    if (returnTo?.isConnected) returnTo.focus();
  });

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === "Escape" || e.key === "?") {
      e.preventDefault();
      e.stopPropagation();
      props.onClose();
    } else if (e.key === "Tab") {
      // Its only control is Close: focus stays inside while it is open.
      e.preventDefault();
      close.focus();
    }
  }

  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={dialog}
        class="dialog help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        tabindex="-1"
        data-testid="help"
        onKeyDown={onKeyDown}
      >
        <h2 id="help-title">Keys</h2>
        <For each={helpSections(MAC)}>
          {(section) => (
            <section class="help-section">
              <h3>{section.title}</h3>
              <dl>
                <For each={section.rows}>
                  {(row) => (
                    <div class="help-row" data-testid="help-row" data-binding={row.id}>
                      <dt>
                        <For each={row.keys}>{(k) => <kbd>{k}</kbd>}</For>
                      </dt>
                      <dd>{row.does}</dd>
                    </div>
                  )}
                </For>
              </dl>
            </section>
          )}
        </For>
        <div class="actions">
          <button ref={close} type="button" onClick={() => props.onClose()}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
