// When Aries Desk stops waiting for the browser (Rust gives the sign-in up then
// and says why): shown beside "Continue in your browser".

/** The pending sign-in's deadline as a local time of day, or null. */
export function waitingUntil(rfc3339: string | null): string | null {
  if (!rfc3339) return null;
  const at = new Date(rfc3339);
  return Number.isNaN(at.getTime()) ? null : at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}
