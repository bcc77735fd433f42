import { Match, Switch, createResource } from "solid-js";
import { sandboxStatus } from "./ipc";

// At this stage the window only says what is running: the product name, the
// sandbox marker and where the in-process simulator answers. No trading yet.
export function App() {
  const [status] = createResource(sandboxStatus);

  return (
    <main class="shell">
      <header class="bar">
        <h1>Aries Desk</h1>
        <span class="badge" hidden={status()?.mode !== "sandbox"}>
          SANDBOX
        </span>
      </header>
      <section class="status">
        <Switch>
          <Match when={status.loading}>
            <p>Starting…</p>
          </Match>
          <Match when={status.error}>
            <p class="error">Could not read the sandbox status: {String(status.error)}</p>
          </Match>
          <Match when={status()}>
            {(s) => (
              <p>
                Simulator running at <code class="sim-url">{s().simulator}</code>
              </p>
            )}
          </Match>
        </Switch>
      </section>
    </main>
  );
}
