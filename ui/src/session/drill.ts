// The sandbox's Drill menu: practise what the app shows when Aries misbehaves
// (slow answers, dropped sockets, server errors, an ended session, a lost order
// answer) before it happens with real money. Rust refuses drills in live mode
// (`drill.live`); the menu is not even drawn there.
import type { Drill, SessionView } from "../bindings";

export type DrillItem = { drill: Exclude<Drill, "clear">; label: string; hint: string };

export const DRILLS: readonly DrillItem[] = [
  { drill: "slowAnswers", label: "Slow answers", hint: "Every answer from Aries comes 4 s late." },
  { drill: "dropSockets", label: "Dropped sockets", hint: "Both sockets drop every 20 frames and reconnect." },
  { drill: "serverErrors", label: "Server errors", hint: "Half of Aries's answers are 503s." },
  {
    drill: "loseNextOrderAnswer",
    label: "Lose the next order answer",
    hint: "The next order reaches Aries; its answer never comes back.",
  },
  { drill: "endSession", label: "End the session", hint: "Aries revokes this sign-in, as if it expired." },
];

/** Only a signed-in sandbox session has drills. */
export function drillMenuShown(session: SessionView | null): boolean {
  return session?.mode === "sandbox" && session.phase === "signedIn";
}
