import type { ConnectionView } from "../bindings";

// A socket's state in words. "Live" beside a SANDBOX badge read as live trading, so it says what it is.
export const CONNECTION_LABEL: Record<ConnectionView, string> = {
  connecting: "Connecting…",
  live: "Streaming",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  signedOut: "Offline",
};
