import { describe, expect, it } from "vitest";
import { createFrameKeeper } from "./frames";

/** Frames by hand: `frame()` runs what the page asked for the next one. */
function clock() {
  let t = 0;
  let asked: (() => void)[] = [];
  return {
    now: () => t,
    nextFrame: (run: () => void) => void asked.push(run),
    /** Advances to the next frame, 16 ms on, and runs its callbacks. */
    frame() {
      t += 16;
      const run = asked;
      asked = [];
      for (const r of run) r();
    },
    pending: () => asked.length,
  };
}

describe("the frame keeper", () => {
  it("asks for no frame until a batch comes", () => {
    const c = clock();
    const keeper = createFrameKeeper(100, c.nextFrame, c.now);
    c.frame();
    expect(c.pending()).toBe(0);
    expect(keeper.running()).toBe(false);
  });

  it("keeps one frame asked for until the linger after the last batch, then stops", () => {
    const c = clock();
    const keeper = createFrameKeeper(100, c.nextFrame, c.now);
    keeper.keep();
    keeper.keep(); // a second batch in the same frame asks for no second callback
    expect(c.pending()).toBe(1);
    let frames = 0;
    while (c.pending() > 0) {
      expect(c.pending()).toBe(1);
      c.frame();
      frames++;
    }
    // 100 ms at 16 ms a frame: asked again through the frame at 96 ms, the one at 112 ms ends it.
    expect(frames).toBe(7);
    expect(keeper.running()).toBe(false);
  });

  it("a batch while it runs extends it, and one after it stopped starts it again", () => {
    const c = clock();
    const keeper = createFrameKeeper(100, c.nextFrame, c.now);
    keeper.keep();
    for (let i = 0; i < 5; i++) c.frame(); // 80 ms
    keeper.keep(); // runs on to 180 ms
    let frames = 5;
    while (c.pending() > 0) {
      c.frame();
      frames++;
    }
    expect(frames).toBe(12);
    keeper.keep();
    expect(c.pending()).toBe(1);
    expect(keeper.running()).toBe(true);
  });
});
