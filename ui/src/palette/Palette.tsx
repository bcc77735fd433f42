import { For, Match, Show, Switch, createEffect, createSignal, on, onCleanup, onMount } from "solid-js";
import type { SymbolHit } from "../bindings";
import * as ipc from "../ipc";
import { ErrorNote } from "../ui/ErrorNote";
import { isMacPlatform, isPaletteShortcut, paletteCommand, shortcutLabel } from "./keys";
import { createSymbolSearch } from "./search";

const MAC = isMacPlatform(navigator.platform || navigator.userAgent);
/** Ctrl+K, or ⌘K on macOS: for the button that opens the palette. */
export const PALETTE_SHORTCUT = shortcutLabel(MAC);
const ALT = MAC ? "⌥" : "Alt";

const LIST_ID = "palette-list";
const optionId = (index: number) => `palette-option-${index}`;
const FOCUSABLE = "input, button:not(:disabled), [tabindex]:not([tabindex='-1'])";

/** Opens the palette on Ctrl+K (Cmd+K on macOS) anywhere in the window, for as long as the caller lives. */
export function onPaletteShortcut(open: () => void) {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || !isPaletteShortcut(e, MAC)) return;
    e.preventDefault();
    open();
  };
  window.addEventListener("keydown", onKey);
  onCleanup(() => window.removeEventListener("keydown", onKey));
}

/**
 * The symbol palette: a modal search over `search_symbols`. Enter (or a click)
 * shows the selected symbol, Alt+Enter (or Alt+click) adds it to the
 * watchlist shown (saved) and stays open, Escape closes. Focus stays inside while it is
 * open and goes back where it was when it closes.
 */
export function Palette(props: {
  /** The symbols of the watchlist shown, and its name. */
  watched: readonly string[];
  listName: string;
  onShow: (symbol: string) => void;
  /** Saves the symbol to that list; resolves to what to tell the trader. */
  onWatch: (symbol: string) => Promise<string>;
  onClose: () => void;
}) {
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const search = createSymbolSearch(ipc.searchSymbols);
  const [note, setNote] = createSignal<string | null>(null);
  let dialog!: HTMLDivElement;
  let input!: HTMLInputElement;

  // The focus trap's second half: focus that lands outside (a click through, a script) comes back.
  const keepFocus = (e: FocusEvent) => {
    if (e.target instanceof Node && !dialog.contains(e.target)) input.focus();
  };
  onMount(() => {
    input.focus();
    document.addEventListener("focusin", keepFocus);
  });
  onCleanup(() => {
    document.removeEventListener("focusin", keepFocus);
    search.dispose();
    if (returnTo?.isConnected) returnTo.focus();
  });

  createEffect(
    on(search.active, (index) => document.getElementById(optionId(index))?.scrollIntoView({ block: "nearest" })),
  );

  const watching = (symbol: string) => props.watched.includes(symbol);

  /** A hit chosen by click, or the selection once the newest query is answered (Enter right after typing). */
  async function choose(how: "show" | "watch", clicked?: SymbolHit) {
    const hit = clicked ?? (await search.settled());
    if (!hit) return;
    if (how === "show") {
      props.onShow(hit.symbol);
      props.onClose();
    } else if (watching(hit.symbol)) {
      setNote(`${hit.symbol} is already in “${props.listName}”.`);
    } else {
      setNote(await props.onWatch(hit.symbol));
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    if (isPaletteShortcut(e, MAC)) {
      e.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (e.key === "Tab") return trapTab(e);
    const command = paletteCommand(e);
    // Enter on Retry or Close presses that button.
    if (!command || (command !== "close" && e.target !== input)) return;
    e.preventDefault();
    e.stopPropagation();
    if (command === "next") search.move(1);
    else if (command === "previous") search.move(-1);
    else if (command === "close") props.onClose();
    else void choose(command);
  }

  /** Tab and Shift+Tab cycle through the palette's own controls. */
  function trapTab(e: KeyboardEvent) {
    const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const at = items.indexOf(document.activeElement as HTMLElement);
    e.preventDefault();
    const next = e.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : (at + 1) % items.length;
    items[next]?.focus();
  }

  const loading = () => search.status() === "loading";
  const count = () => search.hits().length;
  /** Read out by screen readers as it changes. */
  const announcement = () => {
    if (note()) return note();
    if (search.status() !== "ready") return "";
    const n = count();
    return n === 0 ? "No matches." : `${n} ${n === 1 ? "symbol" : "symbols"}.`;
  };

  return (
    <div
      class="overlay palette-overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) props.onClose(); // a click beside the palette
      }}
    >
      <div
        ref={dialog}
        class="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Search symbols"
        data-testid="palette"
        onKeyDown={onKeyDown}
        onMouseDown={(e) => {
          // Clicks on the list or the text keep the typing focus in the box.
          if (!(e.target instanceof HTMLElement && e.target.closest("input, button"))) e.preventDefault();
        }}
      >
        <div class="palette-search" classList={{ busy: loading() }}>
          <input
            ref={input}
            type="text"
            role="combobox"
            aria-label="Symbol or company name"
            aria-autocomplete="list"
            aria-expanded={count() > 0}
            aria-controls={LIST_ID}
            aria-activedescendant={search.active() >= 0 ? optionId(search.active()) : undefined}
            aria-busy={loading()}
            autocomplete="off"
            spellcheck={false}
            placeholder="Search symbols or companies"
            data-testid="palette-input"
            value={search.query()}
            onInput={(e) => {
              setNote(null);
              search.setQuery(e.currentTarget.value);
            }}
          />
          <span class="palette-spinner" aria-hidden="true" />
          <button type="button" class="icon palette-close" aria-label="Close" onClick={() => props.onClose()}>
            Esc
          </button>
        </div>

        <ul
          id={LIST_ID}
          role="listbox"
          aria-label="Matching symbols"
          class="palette-list"
          classList={{ stale: loading() }}
          hidden={count() === 0}
        >
          <For each={search.hits()}>
            {(hit, index) => (
              <li
                id={optionId(index())}
                role="option"
                aria-selected={index() === search.active()}
                class="palette-option"
                data-testid="palette-option"
                data-symbol={hit.symbol}
                onMouseMove={() => {
                  if (search.active() !== index()) search.setActive(index());
                }}
                onClick={(e) => void choose(e.altKey ? "watch" : "show", hit)}
              >
                <span class="palette-symbol">{hit.symbol}</span>
                <span class="palette-description">{hit.description ?? "—"}</span>
                <span class="palette-meta">{[hit.kind, hit.exchange].filter(Boolean).join(" · ")}</span>
                <Show when={watching(hit.symbol)}>
                  <span class="palette-watching">In {props.listName}</span>
                </Show>
              </li>
            )}
          </For>
        </ul>

        <Switch>
          <Match when={search.status() === "error"}>
            <div class="palette-state">
              <ErrorNote error={search.error()} onRetry={search.retry} testId="palette-error" />
            </div>
          </Match>
          <Match when={search.status() === "idle"}>
            <p class="palette-state muted">Type a ticker, like MSFT, or part of a company name.</p>
          </Match>
          <Match when={loading() && count() === 0}>
            <p class="palette-state muted" data-testid="palette-loading">
              Searching…
            </p>
          </Match>
          <Match when={search.status() === "ready" && count() === 0}>
            <p class="palette-state palette-empty" data-testid="palette-empty">
              No symbols match “{search.answered()}”. Check the spelling, or try the company's name.
            </p>
          </Match>
        </Switch>

        <div class="palette-foot">
          <Show
            when={note()}
            fallback={
              <span class="palette-keys muted">
                <kbd>↑↓</kbd> select <kbd>Enter</kbd> chart + ticket <kbd>{ALT}+Enter</kbd> add to watchlist{" "}
                <kbd>Esc</kbd> close
              </span>
            }
          >
            <span class="palette-note" data-testid="palette-note">
              {note()}
            </span>
          </Show>
          <span class="sr-only" role="status">
            {announcement()}
          </span>
        </div>
      </div>
    </div>
  );
}
