import type { ConnectionView } from "../bindings";
import { missing } from "./grants";

// A socket's state in words. "Live" beside a SANDBOX badge read as live trading, so it says what it is.
export const CONNECTION_LABEL: Record<ConnectionView, string> = {
  connecting: "Connecting…",
  live: "Streaming",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  signedOut: "Offline",
  // Short for the header; its tooltip names the missing permission.
  notPermitted: "Not permitted",
};

/**
 * A socket's state as the header and the freshness readout show it: one the
 * sign-in's scopes do not allow is never connected (src-tauri/session.rs), so
 * it reads "not permitted" rather than whatever was last reported.
 */
export function socketShown(
  scopes: readonly string[],
  socket: "market" | "accountStream",
  reported: ConnectionView,
): ConnectionView {
  return missing(scopes, socket) ? "notPermitted" : reported;
}
