// Which account is selected when the list arrives or changes.
import type { AccountView } from "../bindings";

/**
 * Keeps the current choice while it still exists; otherwise a sim account
 * (an active one first). A live account is only ever chosen by the user.
 */
export function pickAccount(accounts: readonly AccountView[], current: string | null): string | null {
  if (current !== null && accounts.some((a) => a.id === current)) return current;
  const sims = accounts.filter((a) => a.isSim);
  return (sims.find((a) => a.status === "ACTIVE") ?? sims[0])?.id ?? null;
}
