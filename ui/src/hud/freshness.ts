// What the freshness readout (the HUD) shows, kept outside the component tree
// so the quote book, the ticket and the header feed one store per window:
// the newest tick's arrival, tick-to-paint over the last minute, the last
// order's round trip and both sockets' states.
//
// Tick-to-paint runs from Rust's send of a batch (`sentAtMs`, wall clock) to
// the first animation frame after the batch was applied, read on the same
// clock (`performance.timeOrigin + performance.now()`): the frame in which
// the new values are painted (docs/design.md "Performance budget").
import { createSignal } from "solid-js";
import type { AppError, PlaceResult, StreamsView } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";
import type { QuoteRows } from "../quotes/columns";
import { RollingWindow, type Summary } from "./rolling";

export const PAINT_WINDOW_MS = 60_000;

/** Milliseconds since the Unix epoch, the clock Rust stamps batches with. */
export const wallClock = () => performance.timeOrigin + performance.now();

/** When the newest quote in `batch` reached Rust, by the wall clock; null for a batch without quotes. */
export function newestTickAt(batch: Pick<QuoteRows, "quotes" | "sentAtMs">): number | null {
  if (batch.quotes.length === 0) return null;
  let youngest = Infinity;
  for (const q of batch.quotes) youngest = Math.min(youngest, q.ageMs);
  return batch.sentAtMs - youngest;
}

/** Confirm to Aries's answer (or the error that stood for it), and what it was. */
export type OrderTrip = { ms: number; outcome: PlaceResult["outcome"] | AppError["code"] };

export type Freshness = ReturnType<typeof createFreshness>;

export function createFreshness(
  nextFrame: (run: () => void) => void = (run) => void requestAnimationFrame(run),
  clock: () => number = wallClock,
) {
  const paints = new RollingWindow(PAINT_WINDOW_MS);
  // Send stamps of batches applied since the last frame: one frame paints them all.
  let waiting: number[] = [];
  const [lastTickAt, setLastTickAt] = createSignal<number | null>(null);
  const [lastOrder, setLastOrder] = createSignal<OrderTrip | null>(null);
  const [streams, setStreams] = createSignal<StreamsView | null>(null);
  const [open, setOpen] = createSignal(false);

  /** Called right after a batch was applied to the page's state. */
  function applied(batch: QuoteRows) {
    const tickAt = newestTickAt(batch);
    if (tickAt === null) return; // a socket-state change alone paints no quote
    if (tickAt > (lastTickAt() ?? -Infinity)) setLastTickAt(tickAt);
    if (waiting.push(batch.sentAtMs) > 1) return;
    nextFrame(() => {
      const now = clock();
      for (const sent of waiting) paints.add(now, now - sent);
      waiting = [];
    });
  }

  /** `place` with its round trip recorded: from the call (Confirm) to Aries's answer or the error. */
  function timed<A extends unknown[]>(place: (...args: A) => Promise<PlaceResult>) {
    return async (...args: A): Promise<PlaceResult> => {
      const start = clock();
      try {
        const result = await place(...args);
        setLastOrder({ ms: clock() - start, outcome: result.outcome });
        return result;
      } catch (err) {
        setLastOrder({ ms: clock() - start, outcome: toAppError(err).code });
        throw err;
      }
    };
  }

  return {
    applied,
    timed,
    /** Tick-to-paint over the last minute, at `now`. */
    paint: (now = clock()): Summary | null => paints.summary(now),
    /** How old the newest tick is at `now`; null before the first. */
    tickAge: (now = clock()) => {
      const at = lastTickAt();
      return at === null ? null : now - at;
    },
    lastOrder,
    streams,
    setStreams,
    open,
    toggle: () => setOpen((o) => !o),
    close: () => setOpen(false),
    /** Forgets everything measured and closes the readout (sign-out). */
    reset() {
      setOpen(false);
      paints.clear();
      waiting = [];
      setLastTickAt(null);
      setLastOrder(null);
      setStreams(null);
    },
  };
}

/** The window's one store. */
export const freshness = createFreshness();

/**
 * Follows both sockets' states for the header while the caller lives (the
 * signed-in desk); Rust stops the pump when the window closes or the session ends.
 */
export function followStreams(store: Freshness, panel = "header"): Promise<void> {
  // Without the report the header falls back to the quote batches' market state.
  return ipc.watchStreams(panel, store.setStreams).catch(() => void store.setStreams(null));
}
