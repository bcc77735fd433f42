// Keeps the page's frame clock running while quotes flow. WebKit starts its
// frame clock on demand: the first frame after a quiet spell comes about a
// whole frame interval after the change that asked for it (18 ms at p50 from a
// batch applied to its frame's start), where a clock already running paints at
// its next tick, half an interval away on average. So each batch with quotes
// keeps an empty animation frame callback going until `lingerMs` after the
// last one; a quiet market lets the clock stop. This needs WebKit's
// opportunistic collection off (src-tauri/web_engine.rs): with it on, a frame
// always pending kept JavaScriptCore from any full collection for hours
// (docs/design.md, "Quote delivery").

/** Longer than the gap between a moving market's batches (the sandbox moves every symbol about once a second). */
export const FRAME_LINGER_MS = 2_000;

export function createFrameKeeper(
  lingerMs = FRAME_LINGER_MS,
  nextFrame: (run: () => void) => void = (run) => void requestAnimationFrame(run),
  now: () => number = () => performance.now(),
) {
  let until = -Infinity;
  let running = false;

  function frame() {
    if (now() < until) nextFrame(frame);
    else running = false;
  }

  return {
    /** A batch was applied: keep frames coming until `lingerMs` from now. */
    keep() {
      until = now() + lingerMs;
      if (running) return;
      running = true;
      nextFrame(frame);
    },
    /** Whether a frame is asked for (tests). */
    running: () => running,
  };
}
