// Every failure the UI shows has the IPC error's shape, so one component can
// render any of them (message from Rust, Retry when it is worth repeating).
import type { AppError } from "./bindings";

export function isAppError(value: unknown): value is AppError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && typeof v.message === "string" && typeof v.retryable === "boolean";
}

/** Rust rejects with an AppError; anything else (a plugin's string, a JS bug) becomes code "unexpected". */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return value;
  const detail = value instanceof Error ? value.message : typeof value === "string" ? value : "";
  return {
    code: "unexpected",
    message: detail
      ? `Something went wrong inside Aries Desk (${detail}). Try again; if it keeps happening, restart the app.`
      : "Something went wrong inside Aries Desk. Try again; if it keeps happening, restart the app.",
    retryable: false,
  };
}
