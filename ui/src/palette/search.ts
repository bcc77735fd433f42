// The symbol palette's search: what is typed is sent after a short pause
// (debounce), only the newest query's answer is shown (a late answer to an
// older query is dropped), and the selection moves over the hits, wrapping.
import { batch, createSignal } from "solid-js";
import type { AppError } from "../bindings";
import { toAppError } from "../errors";

/** The pause after the last keystroke before a query is sent. */
export const SEARCH_DELAY_MS = 150;

/** idle: nothing typed. loading: the newest query waits for its pause or its answer. */
export type SearchStatus = "idle" | "loading" | "ready" | "error";

/**
 * The index `delta` steps from `index` in a list of `count`, wrapping at both
 * ends; from no selection (-1), Down lands on the first and Up on the last.
 * -1 for an empty list.
 */
export function moveIndex(index: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  const from = index < 0 || index >= count ? (delta > 0 ? -1 : count) : index;
  return (((from + delta) % count) + count) % count;
}

export type SymbolSearch<T> = {
  /** The text as typed. */
  query: () => string;
  setQuery: (text: string) => void;
  /** The hits of the newest answered query; kept while a newer one loads, so the list does not flicker. */
  hits: () => readonly T[];
  /** The (trimmed) query `hits` answer. */
  answered: () => string;
  status: () => SearchStatus;
  error: () => AppError | null;
  /** The selected hit's index, -1 for none. */
  active: () => number;
  setActive: (index: number) => void;
  /** Moves the selection by `delta`, wrapping. */
  move: (delta: number) => void;
  selected: () => T | undefined;
  /** Sends the newest query again at once, after a failure. */
  retry: () => void;
  /**
   * The selected hit once the newest query is answered: at once when it is,
   * else when its answer comes (so Enter typed right after the last key picks
   * from that answer, not the one before). Undefined when nothing is typed,
   * the search failed or found nothing, or the search was disposed.
   */
  settled: () => Promise<T | undefined>;
  /** Drops the pending query and any answer still on its way. */
  dispose: () => void;
};

export function createSymbolSearch<T>(
  search: (query: string) => Promise<readonly T[]>,
  delayMs = SEARCH_DELAY_MS,
): SymbolSearch<T> {
  const [query, setQueryText] = createSignal("");
  const [hits, setHits] = createSignal<readonly T[]>([]);
  const [answered, setAnswered] = createSignal("");
  const [status, setStatus] = createSignal<SearchStatus>("idle");
  const [error, setError] = createSignal<AppError | null>(null);
  const [active, setActiveIndex] = createSignal(-1);

  let current = ""; // the trimmed query the state is for
  let latest = 0; // the newest request's number; answers to any other are dropped
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waiters: ((hit: T | undefined) => void)[] = [];

  const selected = () => hits()[active()];
  const settle = (hit: T | undefined) => {
    const done = waiters;
    waiters = [];
    done.forEach((resolve) => resolve(hit));
  };

  function send(text: string, id: number) {
    search(text).then(
      (found) => {
        if (id !== latest) return;
        batch(() => {
          setHits(found);
          setAnswered(text);
          setActiveIndex(found.length > 0 ? 0 : -1);
          setStatus("ready");
        });
        settle(selected());
      },
      (err: unknown) => {
        if (id !== latest) return;
        batch(() => {
          setHits([]);
          setAnswered(text);
          setActiveIndex(-1);
          setError(toAppError(err));
          setStatus("error");
        });
        settle(undefined);
      },
    );
  }

  function setQuery(text: string) {
    setQueryText(text);
    const trimmed = text.trim();
    if (trimmed === current && status() !== "error") return; // only spaces changed
    current = trimmed;
    clearTimeout(timer);
    const id = ++latest;
    if (!trimmed) {
      batch(() => {
        setHits([]);
        setAnswered("");
        setActiveIndex(-1);
        setError(null);
        setStatus("idle");
      });
      settle(undefined);
      return;
    }
    batch(() => {
      setError(null);
      setStatus("loading");
    });
    timer = setTimeout(() => send(trimmed, id), delayMs);
  }

  return {
    query,
    setQuery,
    hits,
    answered,
    status,
    error,
    active,
    setActive: (index) => setActiveIndex(index >= 0 && index < hits().length ? index : -1),
    move: (delta) => setActiveIndex((index) => moveIndex(index, delta, hits().length)),
    selected,
    retry: () => {
      if (!current || status() !== "error") return;
      clearTimeout(timer);
      const id = ++latest;
      batch(() => {
        setError(null);
        setStatus("loading");
      });
      send(current, id);
    },
    settled: () =>
      status() === "loading"
        ? new Promise((resolve) => waiters.push(resolve))
        : Promise.resolve(status() === "ready" ? selected() : undefined),
    dispose: () => {
      clearTimeout(timer);
      latest++;
      settle(undefined);
    },
  };
}
