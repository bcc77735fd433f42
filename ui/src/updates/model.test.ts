import { describe, expect, it } from "vitest";
import type { UpdateView } from "../bindings";
import { announces, summarize } from "./model";

const release = { version: "0.2.0", notes: "Faster blotter", date: null };
const view = (over: Partial<UpdateView>): UpdateView => ({
  current: "0.1.0",
  phase: "idle",
  release: null,
  received: 0,
  total: null,
  message: null,
  ...over,
});

describe("update summary", () => {
  it("offers only the step the phase allows; install only once downloaded", () => {
    expect(summarize(view({ phase: "idle" })).actions).toEqual(["check"]);
    expect(summarize(view({ phase: "checking" })).actions).toEqual([]);
    expect(summarize(view({ phase: "available", release })).actions).toEqual(["download"]);
    expect(summarize(view({ phase: "downloading", release })).actions).toEqual([]);
    expect(summarize(view({ phase: "ready", release })).actions).toEqual(["install"]);
    expect(summarize(view({ phase: "installing", release })).actions).toEqual([]);
    expect(summarize(view({ phase: "off", message: "development build" })).actions).toEqual([]);
  });

  it("names the version and keeps Rust's reason", () => {
    const refused = summarize(view({ phase: "ready", release, message: "Not now: 1 order still waits" }));
    expect(refused.title).toBe("Aries Desk 0.2.0 is ready to install");
    expect(refused.detail).toBe("Not now: 1 order still waits");
    const quiet = summarize(view({ phase: "unreachable", message: "Could not check (offline)." }));
    expect(quiet).toMatchObject({ title: "Could not check for updates", detail: "Could not check (offline).", actions: ["check"] });
    expect(summarize(view({ phase: "upToDate" })).title).toBe("Aries Desk 0.1.0 is the latest version");
  });

  it("dates the release in words, and says nothing of a missing or unreadable date", () => {
    const dated = { ...release, date: "2026-11-30T12:00:00Z" };
    expect(summarize(view({ phase: "available", release: dated })).published).toBe("Published 30 November 2026");
    expect(summarize(view({ phase: "downloading", release: dated, received: 1 })).published).toBe(
      "Published 30 November 2026",
    );
    expect(summarize(view({ phase: "available", release })).published).toBeNull();
    expect(summarize(view({ phase: "available", release: { ...release, date: "soon" } })).published).toBeNull();
  });

  it("shows download progress, and none when the size is unknown", () => {
    const half = summarize(view({ phase: "downloading", release, received: 4 * 1024 * 1024, total: 8 * 1024 * 1024 }));
    expect(half.progress).toBe(0.5);
    expect(half.progressText).toBe("4.0 MB of 8.0 MB");
    const unknown = summarize(view({ phase: "downloading", release, received: 512 * 1024, total: null }));
    expect(unknown.progress).toBeNull();
    expect(unknown.progressText).toBe("512 KB");
  });
});

describe("update banner", () => {
  it("announces a newer version until the user puts that version off", () => {
    expect(announces(view({ phase: "available", release }), null)).toBe(true);
    expect(announces(view({ phase: "ready", release }), null)).toBe(true);
    expect(announces(view({ phase: "available", release }), "0.2.0")).toBe(false);
    expect(announces(view({ phase: "available", release: { ...release, version: "0.3.0" } }), "0.2.0")).toBe(true);
  });

  it("never nags about a failed check, an up-to-date app or a development build", () => {
    for (const phase of ["idle", "off", "checking", "upToDate", "unreachable"] as const) {
      expect(announces(view({ phase }), null)).toBe(false);
    }
    expect(announces(null, null)).toBe(false);
  });
});
