import { describe, expect, it } from "vitest";
import type { SessionView } from "../bindings";
import { DRILLS, drillMenuShown } from "./drill";

const session = (mode: SessionView["mode"], phase: SessionView["phase"]) => ({ mode, phase }) as SessionView;

describe("the Drill menu", () => {
  it("is drawn only for a signed-in sandbox session, never in live mode", () => {
    expect(drillMenuShown(session("sandbox", "signedIn"))).toBe(true);
    expect(drillMenuShown(session("live", "signedIn"))).toBe(false);
    expect(drillMenuShown(session("sandbox", "signedOut"))).toBe(false);
    expect(drillMenuShown(null)).toBe(false);
  });

  it("offers each drill once, with a label and what it does", () => {
    expect(new Set(DRILLS.map((d) => d.drill)).size).toBe(DRILLS.length);
    expect(DRILLS.map((d) => d.drill)).toEqual([
      "slowAnswers",
      "dropSockets",
      "serverErrors",
      "loseNextOrderAnswer",
      "endSession",
    ]);
    for (const d of DRILLS) expect(d.label.length > 0 && d.hint.endsWith(".")).toBe(true);
  });
});
