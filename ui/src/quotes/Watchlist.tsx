import { For, type JSX, Show, createSignal, onCleanup } from "solid-js";
import type { AppError } from "../bindings";
import * as fmt from "../format";
import * as ipc from "../ipc";
import type { SymbolHit } from "../bindings";
import { normalizeSymbol } from "../symbol";
import { ErrorNote } from "../ui/ErrorNote";
import type { QuoteBook } from "./book";
import type { QuoteRow } from "./merge";

const SUGGEST_DELAY_MS = 250;

/** One list's rows and its add box; the list itself is kept by ../watchlists. */
export function Watchlist(props: {
  book: QuoteBook;
  symbols: readonly string[];
  onAdd: (symbol: string) => void;
  onRemove: (symbol: string) => void;
  /** Makes a row reorderable by drag and keyboard (watchlists/rows.ts). */
  rowProps: (symbol: string) => JSX.HTMLAttributes<HTMLTableRowElement>;
  onPick: (symbol: string) => void;
  watchError: AppError | null;
  onRetryWatch: () => void;
}) {
  const [entry, setEntry] = createSignal("");
  const [entryError, setEntryError] = createSignal<string | null>(null);
  const [suggestions, setSuggestions] = createSignal<SymbolHit[]>([]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  // Suggestions are a convenience: a failed search just shows none.
  const suggest = (query: string) => {
    clearTimeout(timer);
    if (!query.trim()) return setSuggestions([]);
    timer = setTimeout(() => {
      ipc.searchSymbols(query.trim()).then(setSuggestions, () => setSuggestions([]));
    }, SUGGEST_DELAY_MS);
  };

  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const symbol = normalizeSymbol(entry());
    if (!symbol) return setEntryError("Type a ticker symbol, like AAPL.");
    setEntryError(null);
    setEntry("");
    setSuggestions([]);
    if (!props.symbols.includes(symbol)) props.onAdd(symbol);
  };

  return (
    <>
      <form class="watch-add" onSubmit={add}>
        <input
          data-testid="watch-input"
          placeholder="Add symbol + Enter"
          aria-label="Add a symbol to the watchlist"
          list="symbol-suggestions"
          autocomplete="off"
          value={entry()}
          onInput={(e) => {
            setEntry(e.currentTarget.value);
            suggest(e.currentTarget.value);
          }}
        />
        <datalist id="symbol-suggestions">
          <For each={suggestions()}>{(s) => <option value={s.symbol}>{s.description ?? ""}</option>}</For>
        </datalist>
      </form>
      <Show when={entryError()}>
        <p class="field-error">{entryError()}</p>
      </Show>
      <ErrorNote error={props.watchError} onRetry={props.onRetryWatch} />
      <table class="grid quotes">
        <thead>
          <tr>
            <th class="left">Symbol</th>
            <th>Last</th>
            <th>Chg</th>
            <th>Chg %</th>
            <th>Bid</th>
            <th>Ask</th>
            <th title="Shares traded today">Vol</th>
            <th />
          </tr>
        </thead>
        <tbody>
          <For each={props.symbols}>
            {(symbol) => (
              <QuoteLine
                symbol={symbol}
                row={props.book.rows[symbol]}
                rowProps={props.rowProps(symbol)}
                onPick={() => props.onPick(symbol)}
                onRemove={() => props.onRemove(symbol)}
              />
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}

/** One row; each cell reads its own field of the store row, so only changed cells update. */
function QuoteLine(props: {
  symbol: string;
  row: QuoteRow | undefined;
  rowProps: JSX.HTMLAttributes<HTMLTableRowElement>;
  onPick: () => void;
  onRemove: () => void;
}) {
  const stale = () => props.row?.stale ?? false;
  const ticks = () => props.row?.ticks ?? 0;
  return (
    <tr
      {...props.rowProps}
      data-testid={`quote-${props.symbol}`}
      classList={{ stale: stale(), waiting: !props.row }}
      title={stale() ? `stale: no update for ${Math.round((props.row?.ageMs ?? 0) / 1000)} s` : undefined}
      onClick={() => props.onPick()}
    >
      <td class="left sym">{props.symbol}</td>
      <td
        data-testid="last"
        classList={{
          up: props.row?.move === "up",
          down: props.row?.move === "down",
          "flash-a": ticks() > 0 && ticks() % 2 === 1,
          "flash-b": ticks() > 0 && ticks() % 2 === 0,
        }}
      >
        {fmt.price(props.row?.last ?? null)}
      </td>
      <td classList={{ [fmt.sign(props.row?.change ?? null) ?? "flat"]: true }}>
        {fmt.change(props.row?.change ?? null)}
      </td>
      <td data-testid="change-percent" classList={{ [fmt.sign(props.row?.changePercent ?? null) ?? "flat"]: true }}>
        {fmt.percent(props.row?.changePercent ?? null)}
      </td>
      <td>{fmt.price(props.row?.bid ?? null)}</td>
      <td>{fmt.price(props.row?.ask ?? null)}</td>
      <td data-testid="volume" title={fmt.shares(props.row?.volume ?? null)}>
        {fmt.volume(props.row?.volume ?? null)}
      </td>
      <td class="remove">
        <button
          type="button"
          class="icon"
          aria-label={`Remove ${props.symbol}`}
          onClick={(e) => {
            e.stopPropagation();
            props.onRemove();
          }}
        >
          ×
        </button>
      </td>
    </tr>
  );
}
