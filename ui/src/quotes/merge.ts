// Pure merge of a quote batch into the per-symbol table: which rows change and
// how (direction of the last move, a tick counter that restarts the flash).
import type { QuoteView } from "../bindings";

export type Move = "up" | "down" | null;
/** A quote as shown: the view plus the direction of the last price change. */
export type QuoteRow = QuoteView & { move: Move; ticks: number };
export type QuoteTable = Record<string, QuoteRow | undefined>;

function nextMove(previous: QuoteRow | undefined, last: number | null): { move: Move; ticks: number } {
  if (!previous) return { move: null, ticks: 0 };
  if (last === null || previous.last === null || last === previous.last) {
    return { move: previous.move, ticks: previous.ticks };
  }
  return { move: last > previous.last ? "up" : "down", ticks: previous.ticks + 1 };
}

/**
 * The new rows for the symbols in `quotes` that are still watched; symbols not
 * in the batch are absent, so applying the patch leaves them untouched.
 */
export function batchPatch(
  table: Readonly<QuoteTable>,
  quotes: readonly QuoteView[],
  watched: ReadonlySet<string>,
): Record<string, QuoteRow> {
  const patch: Record<string, QuoteRow> = {};
  for (const quote of quotes) {
    if (!watched.has(quote.symbol)) continue; // a late batch for a symbol just removed
    const previous = patch[quote.symbol] ?? table[quote.symbol];
    patch[quote.symbol] = { ...quote, ...nextMove(previous, quote.last) };
  }
  return patch;
}
