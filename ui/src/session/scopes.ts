// The ten OAuth scopes of the Aries API (docs/aries-api.md §0, §2).
export type ScopeInfo = { scope: string; label: string };

export const SCOPES: readonly ScopeInfo[] = [
  { scope: "user:information", label: "Your name and email" },
  { scope: "account:information", label: "Accounts and balances" },
  { scope: "position:information", label: "Positions" },
  { scope: "order:information", label: "Order status and history" },
  { scope: "order:execution", label: "Place and cancel orders" },
  { scope: "market:information", label: "Quotes and charts" },
  { scope: "calendar:information", label: "Economic and earnings calendars" },
  { scope: "options:information", label: "Options data" },
  { scope: "analytics:information", label: "Ratings and market breadth" },
  { scope: "market:supplemental", label: "News, company profiles, financials" },
];

/**
 * Checked at first: the read scopes this app uses plus order execution (the
 * API notes' suggested set). The others are unused so far, and a token should
 * carry no more than the app needs.
 */
export const DEFAULT_SCOPES: readonly string[] = [
  "user:information",
  "account:information",
  "position:information",
  "order:information",
  "order:execution",
  "market:information",
];
