import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { barCount, decodeBarColumns } from "./columns";

// The same bytes src-tauri/views/bars.rs's encoder is pinned to: neither side drifts alone.
const golden = readFileSync(new URL("./bar-columns.golden.hex", import.meta.url), "utf8").trim();
const bytes = (hex: string) => new Uint8Array(hex.match(/../g)?.map((b) => parseInt(b, 16)) ?? []).buffer;

describe("decodeBarColumns", () => {
  it("reads Rust's encoding of two bars, a missing volume as NaN", () => {
    const c = decodeBarColumns(bytes(golden));
    expect(barCount(c)).toBe(2);
    expect([...c.time]).toEqual([1_700_000_040, 1_700_000_100]);
    expect([...c.open]).toEqual([189.5, 190]);
    expect([...c.high]).toEqual([190.25, 190.5]);
    expect([...c.low]).toEqual([189, 189.75]);
    expect([...c.close]).toEqual([190, 189.8]);
    expect(c.volume[0]).toBe(1200);
    expect(Number.isNaN(c.volume[1])).toBe(true);
  });

  it("views the answer's bytes instead of copying them", () => {
    const answer = bytes(golden);
    const c = decodeBarColumns(answer);
    expect(c.close.buffer).toBe(answer);
    expect(c.time.byteOffset).toBe(16);
    expect(c.volume.byteOffset).toBe(16 + 5 * 2 * 8);
  });

  it("reads a header alone as no bars (no_data)", () => {
    const c = decodeBarColumns(bytes(golden.slice(0, 16) + "00000000" + "06000000"));
    expect(barCount(c)).toBe(0);
  });

  it("refuses a truncated answer, another layout, or something else entirely", () => {
    expect(() => decodeBarColumns(bytes(golden.slice(0, -16)))).toThrow(/bytes for 2 bars/);
    expect(() => decodeBarColumns(bytes(golden.slice(0, 8) + "02" + golden.slice(10)))).toThrow(/layout 2/);
    expect(() => decodeBarColumns(new TextEncoder().encode('[{"time":1}]').buffer)).toThrow(/not a bar-columns/);
    expect(() => decodeBarColumns(new ArrayBuffer(3))).toThrow(/not a bar-columns/);
  });
});
