import { describe, expect, it } from "vitest";
import { KEYMAP, SCOPES, chordLabel, globalCommand, helpSections, isTyping } from "./keymap";

const press = (key: string, mods: { ctrl?: boolean; meta?: boolean; alt?: boolean } = {}) => ({
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  altKey: mods.alt ?? false,
});
const el = (tagName: string, type?: string, isContentEditable = false) => ({ tagName, type, isContentEditable });

describe("the help overlay", () => {
  it.each([false, true])("lists every binding exactly once, with its keys (macOS: %s)", (mac) => {
    const rows = helpSections(mac).flatMap((s) => s.rows);
    expect(rows.map((r) => r.id).sort()).toEqual(KEYMAP.map((b) => b.id).sort());
    for (const row of rows) {
      expect(row.keys.length).toBeGreaterThan(0);
      expect(row.does).not.toBe("");
    }
  });
  it("keeps every binding in a known section, in the keymap's order of sections", () => {
    const known = SCOPES.map((s) => s.scope);
    for (const b of KEYMAP) expect(known).toContain(b.scope);
    const shown = helpSections(false).map((s) => s.scope);
    expect(shown).toEqual(known.filter((s) => shown.includes(s)));
  });
  it("has unique ids", () => {
    expect(new Set(KEYMAP.map((b) => b.id)).size).toBe(KEYMAP.length);
  });
  it("writes the keys for the system", () => {
    expect(chordLabel(["Mod", "K"], false)).toBe("Ctrl+K");
    expect(chordLabel(["Mod", "K"], true)).toBe("⌘K");
    expect(chordLabel(["Alt", "Enter"], true)).toBe("⌥Enter");
    expect(chordLabel(["Shift", "Tab"], false)).toBe("Shift+Tab");
    expect(chordLabel([" "], false)).toBe("Space");
  });
  it("documents the shortcuts the code handles", () => {
    const ids = KEYMAP.map((b) => b.id);
    for (const id of ["palette.open", "help.open", "ticket.focus", "hud.toggle", "ticket.preview", "confirm.place", "confirm.back"])
      expect(ids).toContain(id);
    // The palette's commands (palette/keys.ts paletteCommand): move, show, watch, close.
    expect(ids).toEqual(expect.arrayContaining(["palette.move", "palette.show", "palette.watch", "palette.close"]));
  });
});

describe("the window-wide keys", () => {
  it("open the help on ? and go to the ticket on t", () => {
    expect(globalCommand(press("?"), el("BODY"))).toBe("help");
    expect(globalCommand(press("?"), el("BUTTON"))).toBe("help");
    expect(globalCommand(press("t"), el("DIV"))).toBe("ticket");
    expect(globalCommand(press("T"), null)).toBe("ticket");
  });
  it("toggle the freshness readout on f, but not while typing or with Ctrl (Find)", () => {
    expect(globalCommand(press("f"), el("BODY"))).toBe("hud");
    expect(globalCommand(press("F"), el("BUTTON"))).toBe("hud");
    expect(globalCommand(press("f"), el("INPUT"))).toBeNull();
    expect(globalCommand(press("f", { ctrl: true }), el("BODY"))).toBeNull();
  });
  it("are ignored while typing in a box, a list or editable text", () => {
    for (const target of [el("INPUT"), el("INPUT", "text"), el("INPUT", "search"), el("TEXTAREA"), el("SELECT"), el("DIV", undefined, true)]) {
      expect(globalCommand(press("?"), target)).toBeNull();
      expect(globalCommand(press("t"), target)).toBeNull();
    }
  });
  it("still work on a checkbox or a radio button, which take no text", () => {
    expect(isTyping(el("INPUT", "radio"))).toBe(false);
    expect(globalCommand(press("?"), el("INPUT", "checkbox"))).toBe("help");
  });
  it("leave modified keys alone (Ctrl+T, Alt+?)", () => {
    expect(globalCommand(press("t", { ctrl: true }), el("BODY"))).toBeNull();
    expect(globalCommand(press("?", { alt: true }), el("BODY"))).toBeNull();
    expect(globalCommand(press("t", { meta: true }), el("BODY"))).toBeNull();
    expect(globalCommand(press("x"), el("BODY"))).toBeNull();
  });
});
