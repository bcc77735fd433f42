// What a sign-in's scopes let the desk do (docs/aries-api.md §2). A reduced
// sign-in works as far as its scopes go; each panel that needs more says which
// permission is missing instead of failing. Rust refuses the same calls too.
import { SCOPES } from "./scopes";

export type Feature = "trade" | "balances" | "positions" | "orders" | "market" | "accountStream";

const NEEDS: Record<Feature, { any: readonly string[]; what: string }> = {
  trade: { any: ["order:execution"], what: "Placing, changing and cancelling orders needs" },
  balances: { any: ["account:information"], what: "Balances need" },
  // Either scope reads positions (docs/aries-api.md §2).
  positions: { any: ["position:information", "account:information"], what: "Positions need" },
  orders: { any: ["order:information"], what: "The order list needs" },
  market: { any: ["market:information"], what: "Quotes, charts and symbol search need" },
  // The account socket authenticates with this scope alone (docs/simulator.md "WebSockets").
  accountStream: { any: ["account:information"], what: "Live order, fill and balance updates need" },
};

/** Null when `scopes` allow `feature`; otherwise what is missing and how to get it. */
export function missing(scopes: readonly string[], feature: Feature): string | null {
  const need = NEEDS[feature];
  if (need.any.some((s) => scopes.includes(s))) return null;
  const scope = need.any[0];
  const label = SCOPES.find((s) => s.scope === scope)?.label ?? scope;
  const readOnly = feature === "trade" ? "This session is read-only. " : "";
  return `${readOnly}${need.what} the “${label}” permission (${scope}), which this sign-in did not grant. Sign out and sign in again with it checked.`;
}

/** The account a panel may load: none when the scopes do not allow the panel, so nothing is asked of Aries. */
export function allowedAccount(
  scopes: () => readonly string[],
  feature: Feature,
  accountId: () => string | null,
): () => string | null {
  return () => (missing(scopes(), feature) ? null : accountId());
}
