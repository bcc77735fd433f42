// Ticker symbols as the user types them: trimmed and upper-cased, checked
// against the API's limit (1–21 characters) before anything is sent.
const SYMBOL = /^[A-Z][A-Z0-9./-]{0,20}$/;

/** The canonical symbol, or null when the text cannot be one. */
export function normalizeSymbol(text: string): string | null {
  const symbol = text.trim().toUpperCase();
  return SYMBOL.test(symbol) ? symbol : null;
}
