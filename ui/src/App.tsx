import { Match, Show, Switch, createMemo } from "solid-js";
import type { SessionView } from "./bindings";
import { Desk } from "./Desk";
import { freshness } from "./hud/freshness";
import { createQuoteBook } from "./quotes/book";
import { Header } from "./session/Header";
import { SignIn } from "./session/SignIn";
import { createSession } from "./session/session";
import { createAction } from "./ui/action";
import { createFrameKeeper } from "./ui/frames";
import { UpdateBanner, UpdateDialog } from "./updates/UpdateDialog";
import { createUpdates } from "./updates/updates";

export function App() {
  const session = createSession();
  const frames = createFrameKeeper();
  const book = createQuoteBook((batch) => {
    freshness.applied(batch);
    if (batch.quotes.length > 0) frames.keep();
  });
  const signOut = createAction(session.logout);
  const setNotifications = createAction(session.setNotifications);
  const updates = createUpdates();
  const signedIn = () => {
    const view = session.view();
    return view?.phase === "signedIn" ? view : null;
  };
  // The desk's view: the newest signed-in one, kept through sign-out so the desk's
  // last reactive reads while it is torn down see a session, not a stale <Match>.
  const deskView = createMemo<SessionView | null>((last) => signedIn() ?? last, null);

  return (
    <main class="shell">
      <Header
        session={session.view()}
        connection={book.connection()}
        freshness={freshness}
        signOut={signOut}
        setNotifications={setNotifications}
        onUpdates={updates.openAndCheck}
      />
      <UpdateBanner updates={updates} />
      <Show when={updates.open()}>
        <UpdateDialog updates={updates} />
      </Show>
      <Switch>
        <Match when={session.startError()}>
          {(error) => (
            <section class="status" role="alert">
              <p class="error">{error().message}</p>
              <button type="button" onClick={session.retryStart}>
                Retry
              </button>
            </section>
          )}
        </Match>
        <Match when={signedIn()}>
          <Desk view={deskView() as SessionView} book={book} />
        </Match>
        <Match when={session.view()}>{(view) => <SignIn session={session} view={view()} />}</Match>
        <Match when={!session.view()}>
          <p class="status">Starting…</p>
        </Match>
      </Switch>
    </main>
  );
}
