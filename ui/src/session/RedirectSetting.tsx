import type { RedirectChoice } from "../bindings";
import { ErrorNote } from "../ui/ErrorNote";
import { createAction } from "../ui/action";

/** How the browser hands the sign-in back: the app's link scheme, or a local port for machines without it. */
export function RedirectSetting(props: {
  redirect: RedirectChoice;
  disabled: boolean;
  setRedirect: (redirect: RedirectChoice) => Promise<unknown>;
}) {
  const change = createAction(props.setRedirect);
  const option = (value: RedirectChoice, label: string, hint: string) => (
    <label class="radio" title={hint}>
      <input
        type="radio"
        name="redirect"
        value={value}
        checked={props.redirect === value}
        disabled={props.disabled || change.pending()}
        onChange={() => void change.run(value)}
      />
      {label}
    </label>
  );
  return (
    <details class="settings">
      <summary>Sign-in settings</summary>
      <div class="redirect" role="radiogroup" aria-label="How the browser returns to Aries Desk">
        <span class="muted">Browser returns via</span>
        {option("deepLink", "App link", "dev.ariesdesk: link handled by this app (recommended)")}
        {option("loopback", "Local port", "http://127.0.0.1 on a random port, if app links do not open Aries Desk")}
      </div>
      <ErrorNote error={change.error()} onRetry={change.retry} />
    </details>
  );
}
