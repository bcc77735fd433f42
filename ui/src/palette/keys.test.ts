import { describe, expect, it } from "vitest";
import { isMacPlatform, isPaletteShortcut, paletteCommand, shortcutLabel } from "./keys";

const key = (key: string, mods: { ctrl?: boolean; meta?: boolean; alt?: boolean; shift?: boolean; code?: string } = {}) => ({
  key,
  code: mods.code ?? "",
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  altKey: mods.alt ?? false,
  shiftKey: mods.shift ?? false,
});

describe("the palette shortcut", () => {
  it("is Ctrl+K, not Cmd+K, off macOS", () => {
    expect(isPaletteShortcut(key("k", { ctrl: true }), false)).toBe(true);
    expect(isPaletteShortcut(key("K", { ctrl: true }), false)).toBe(true);
    expect(isPaletteShortcut(key("k", { meta: true }), false)).toBe(false);
    expect(isPaletteShortcut(key("k"), false)).toBe(false);
  });
  it("is Cmd+K, not Ctrl+K, on macOS", () => {
    expect(isPaletteShortcut(key("k", { meta: true }), true)).toBe(true);
    expect(isPaletteShortcut(key("k", { ctrl: true }), true)).toBe(false);
  });
  it("ignores Alt and Shift variants and other keys", () => {
    expect(isPaletteShortcut(key("k", { ctrl: true, alt: true }), false)).toBe(false);
    expect(isPaletteShortcut(key("K", { ctrl: true, shift: true }), false)).toBe(false);
    expect(isPaletteShortcut(key("j", { ctrl: true }), false)).toBe(false);
  });
  it("finds the K key by position on layouts without a K", () => {
    expect(isPaletteShortcut(key("л", { ctrl: true, code: "KeyK" }), false)).toBe(true);
  });
  it("knows macOS and writes the shortcut for it", () => {
    expect(isMacPlatform("MacIntel")).toBe(true);
    expect(isMacPlatform("Linux x86_64")).toBe(false);
    expect(isMacPlatform("Win32")).toBe(false);
    expect(shortcutLabel(true)).toBe("⌘K");
    expect(shortcutLabel(false)).toBe("Ctrl+K");
  });
});

describe("keys in the palette", () => {
  it("Up and Down move, Enter shows, Alt+Enter watches, Escape closes", () => {
    expect(paletteCommand(key("ArrowDown"))).toBe("next");
    expect(paletteCommand(key("ArrowUp"))).toBe("previous");
    expect(paletteCommand(key("Enter"))).toBe("show");
    expect(paletteCommand(key("Enter", { alt: true }))).toBe("watch");
    expect(paletteCommand(key("Escape"))).toBe("close");
  });
  it("leaves typing and editing keys to the search box", () => {
    for (const k of ["a", "M", "Backspace", "ArrowLeft", "Home", "End", "Tab"]) {
      expect(paletteCommand(key(k))).toBeNull();
    }
    expect(paletteCommand(key("Enter", { ctrl: true }))).toBeNull();
    expect(paletteCommand(key("ArrowDown", { alt: true }))).toBeNull();
  });
});
