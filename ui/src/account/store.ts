// One account's data for one panel: loaded by a command, then kept current by
// the account stream. The panel subscribes first and loads second; events that
// arrive while the load is in flight are replayed onto its answer, so none is
// lost between the two. Switching accounts drops everything from the old one,
// and answers or events that arrive for it later (generation counter). After a
// reconnect (a snapshot event) the data is read again, since events may have
// been missed while the stream was down.
import { createEffect, createSignal, on, onCleanup } from "solid-js";
import type { AccountEventView, AppError } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";

export type AccountStore<T> = {
  /** The account the data belongs to (null: none chosen). */
  account: () => string | null;
  data: () => T;
  /** True once the first load for this account has answered. */
  loaded: () => boolean;
  loading: () => boolean;
  error: () => AppError | null;
  retry: () => void;
};

export function createAccountStore<T>(options: {
  /** The panel id Rust keeps this subscription under. */
  panel: string;
  accountId: () => string | null;
  empty: T;
  load: (accountId: string) => Promise<T>;
  /** The data after one event; events of other kinds return it unchanged. */
  apply: (data: T, event: AccountEventView) => T;
}): AccountStore<T> {
  const [account, setAccount] = createSignal<string | null>(null);
  const [data, setData] = createSignal<T>(options.empty);
  const [loaded, setLoaded] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<AppError | null>(null);
  let generation = 0; // bumps on every account switch and retry; older answers and events are ignored
  let request = 0; // bumps on every load, so only the newest load's answer is used
  let buffered: AccountEventView[] | null = null; // events that came while a load was in flight

  async function read(mine: number, id: string) {
    const asked = ++request;
    buffered ??= [];
    try {
      const fresh = await options.load(id);
      if (mine !== generation || asked !== request) return;
      const replay = buffered ?? [];
      buffered = null;
      setData(() => replay.reduce(options.apply, fresh));
      setLoaded(true);
      setError(null);
    } catch (err) {
      if (mine !== generation || asked !== request) return;
      buffered = null;
      setError(toAppError(err));
    } finally {
      if (mine === generation && asked === request) setLoading(false);
    }
  }

  function onEvent(mine: number, id: string, event: AccountEventView) {
    if (mine !== generation) return;
    if (event.kind === "snapshot") return void read(mine, id);
    if (buffered) buffered.push(event);
    else setData((current) => options.apply(current, event));
  }

  async function start(id: string) {
    const mine = ++generation;
    buffered = null;
    setAccount(id);
    setData(() => options.empty);
    setLoaded(false);
    setError(null);
    setLoading(true);
    try {
      await ipc.watchAccount(options.panel, id, (event) => onEvent(mine, id, event));
    } catch (err) {
      if (mine === generation) {
        setError(toAppError(err));
        setLoading(false);
      }
      return;
    }
    if (mine === generation) await read(mine, id);
  }

  function stop() {
    generation++;
    buffered = null;
    setAccount(null);
    setData(() => options.empty);
    setLoaded(false);
    setLoading(false);
    setError(null);
  }

  createEffect(on(options.accountId, (id) => (id ? void start(id) : stop())));
  onCleanup(() => generation++);

  return {
    account,
    data,
    loaded,
    loading,
    error,
    retry: () => {
      const id = options.accountId();
      if (id) void start(id);
    },
  };
}
