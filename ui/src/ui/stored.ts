// Preferences kept in localStorage (nothing secret) are read back tolerantly:
// an older version, a hand edit or garbage must never break the window.

/** The fields of a stored JSON object; every field reads as undefined when the text is not one. */
export function storedFields(raw: string | null): (name: string) => unknown {
  let saved: unknown = null;
  try {
    saved = raw === null ? null : JSON.parse(raw);
  } catch {
    saved = null;
  }
  return (name) => (saved !== null && typeof saved === "object" ? (saved as Record<string, unknown>)[name] : undefined);
}
