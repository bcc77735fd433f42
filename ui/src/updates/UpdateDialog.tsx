import { Show, createMemo, onMount } from "solid-js";
import type { AppError } from "../bindings";
import { ErrorNote } from "../ui/ErrorNote";
import { announces, summarize } from "./model";
import type { Updates } from "./updates";

/** A newer version: one line under the header, never a modal; *Later* hides it for this run. */
export function UpdateBanner(props: { updates: Updates }) {
  const u = props.updates;
  return (
    <Show when={announces(u.view(), u.putOff()) && !u.open() && u.view()}>
      {(view) => (
        <div class="note update-banner" role="status" data-testid="update-banner">
          <span>{summarize(view()).title}.</span>
          <button type="button" class="link" onClick={u.show}>
            Details…
          </button>
          <button type="button" class="link" onClick={u.later}>
            Later
          </button>
        </div>
      )}
    </Show>
  );
}

/** The version, the release notes, the download's progress and the one step the phase allows. */
export function UpdateDialog(props: { updates: Updates }) {
  const u = props.updates;
  let dialog!: HTMLDivElement;
  onMount(() => dialog.focus());
  const summary = createMemo(() => {
    const view = u.view();
    return view ? summarize(view) : null;
  });
  // Rust puts a refusal on the view too: shown once, as the view's detail.
  const actionError = (error: AppError | null) => (error && error.message !== u.view()?.message ? error : null);

  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && u.close()}>
      <div
        ref={dialog}
        class="dialog updates"
        role="dialog"
        aria-modal="true"
        aria-labelledby="updates-title"
        tabindex="-1"
        data-testid="updates"
        data-phase={u.view()?.phase}
        onKeyDown={(e) => e.key === "Escape" && u.close()}
      >
        <h2 id="updates-title">Updates</h2>
        <Show when={u.view()} fallback={<p>Update status is not available.</p>}>
          {(view) => (
            <>
              <p class="muted">This is Aries Desk {view().current}.</p>
              <p class="update-title" data-testid="update-title">
                {summary()?.title}
              </p>
              <Show when={summary()?.published}>
                {(published) => (
                  <p class="muted" data-testid="update-published">
                    {published()}
                  </p>
                )}
              </Show>
              <Show when={view().release?.notes}>
                {(notes) => (
                  <section class="update-notes" data-testid="update-notes">
                    <h3>What's new in {view().release?.version}</h3>
                    <p>{notes()}</p>
                  </section>
                )}
              </Show>
              <Show when={view().phase === "downloading"}>
                <div class="update-progress">
                  {/* No value while the size is unknown: the bar moves to and fro. Setting
                      `value` to undefined would throw in the element's setter (NaN) and stop
                      the dialog updating; the e2e test caught that. */}
                  <Show
                    when={summary()?.progress}
                    fallback={<progress data-testid="update-progress" max="1" />}
                  >
                    {(progress) => <progress data-testid="update-progress" max="1" value={progress()} />}
                  </Show>
                  <span>{summary()?.progressText}</span>
                </div>
              </Show>
              <Show when={summary()?.detail}>
                {(detail) => (
                  <p class="update-detail" role="status" data-testid="update-detail">
                    {detail()}
                  </p>
                )}
              </Show>
              <Show when={summary()?.actions.includes("install")}>
                <p class="muted">
                  Installing closes Aries Desk and starts the new version. It waits while any order's outcome is
                  unknown.
                </p>
              </Show>
            </>
          )}
        </Show>
        <ErrorNote error={actionError(u.check.error())} onRetry={u.check.retry} />
        <ErrorNote error={actionError(u.download.error())} onRetry={u.download.retry} />
        <ErrorNote error={actionError(u.install.error())} />
        <div class="actions">
          <Show when={summary()?.actions.includes("check")}>
            <button type="button" disabled={u.check.pending()} onClick={() => void u.check.run()}>
              Check now
            </button>
          </Show>
          <Show when={summary()?.actions.includes("download")}>
            <button
              type="button"
              class="primary"
              data-testid="update-download"
              disabled={u.download.pending()}
              onClick={() => void u.download.run()}
            >
              Download
            </button>
          </Show>
          <Show when={summary()?.actions.includes("install")}>
            <button
              type="button"
              class="primary"
              data-testid="update-install"
              disabled={u.install.pending()}
              onClick={() => void u.install.run()}
            >
              Install and restart
            </button>
          </Show>
          <button type="button" onClick={u.close}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
