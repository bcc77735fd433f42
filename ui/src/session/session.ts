// The session as Rust reports it: the first status, then every
// "session-changed" event. Commands that return a SessionView update it too.
import { createSignal, onCleanup, onMount } from "solid-js";
import type { AppError, SessionView } from "../bindings";
import { toAppError } from "../errors";
import * as ipc from "../ipc";

export type Session = ReturnType<typeof createSession>;

export function createSession() {
  const [view, setView] = createSignal<SessionView | null>(null);
  const [startError, setStartError] = createSignal<AppError | null>(null);

  let unlisten: (() => void) | null = null;
  onCleanup(() => unlisten?.());

  async function start() {
    setStartError(null);
    try {
      // Listen first, so a change between the two calls is not missed.
      unlisten ??= await ipc.onSessionChanged(setView);
      setView(await ipc.sessionStatus());
    } catch (err) {
      setStartError(toAppError(err));
    }
  }
  onMount(() => void start());

  /** Runs a command that answers with the new session, and shows that answer at once. */
  const updating =
    <A extends unknown[]>(command: (...args: A) => Promise<SessionView>) =>
    async (...args: A): Promise<SessionView> => {
      const next = await command(...args);
      setView(next);
      return next;
    };

  return {
    view,
    startError,
    retryStart: () => void start(),
    login: updating(ipc.login),
    cancelLogin: updating(ipc.cancelLogin),
    logout: updating(ipc.logout),
    unlock: updating(ipc.unlock),
    keepInMemory: updating(ipc.keepInMemory),
    setRedirect: updating(ipc.setRedirect),
    setNotifications: updating(ipc.setNotifications),
    dismissSchemeNote: updating(ipc.dismissSchemeNote),
  };
}
