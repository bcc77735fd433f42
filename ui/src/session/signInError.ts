// A headline for each way a sign-in can fail; the detail is Rust's message,
// which already says what to do next.
import type { AppError } from "../bindings";

const HEADLINES: Record<string, string> = {
  "auth.denied": "You declined access in the browser",
  "auth.expired": "Your sign-in has expired",
  "auth.failed": "The sign-in did not complete",
  "auth.timeout": "The sign-in timed out",
  "auth.browser": "Your web browser could not be opened",
  config: "The Aries configuration needs fixing",
  network: "Aries could not be reached",
  rate_limited: "Aries asked us to slow down",
  server: "Aries had a problem",
  "vault.corrupt": "The saved sign-in could not be read",
};

export function signInHeadline(error: AppError): string {
  return HEADLINES[error.code] ?? "Sign-in did not complete";
}

/** Why the permissions matter, for a person who just clicked Deny. */
export function signInHint(error: AppError): string | null {
  return error.code === "auth.denied"
    ? "Aries Desk needs these permissions to show your accounts and quotes and to place the orders you confirm. Nothing is shared with anyone else."
    : null;
}
