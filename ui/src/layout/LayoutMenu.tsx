import type { Layout } from "./layout";

/** The desk's Layout menu: Balances shown or hidden, the side column left or right, and back to the defaults. */
export function LayoutMenu(props: { layout: Layout; onChange: (patch: Partial<Layout>) => void; onReset: () => void }) {
  return (
    <details class="settings layout-settings" data-testid="layout-menu">
      <summary>Layout</summary>
      <div class="look-menu">
        <label class="check">
          <input
            type="checkbox"
            data-testid="layout-balances"
            checked={props.layout.balances}
            onChange={(e) => props.onChange({ balances: e.currentTarget.checked })}
          />
          <span>Balances panel</span>
        </label>
        <div class="layout-side" role="group" aria-label="Side column">
          <span>Side column</span>
          <span class="segmented">
            <button
              type="button"
              data-testid="layout-side-left"
              aria-pressed={props.layout.side === "left"}
              onClick={() => props.onChange({ side: "left" })}
            >
              Left
            </button>
            <button
              type="button"
              data-testid="layout-side-right"
              aria-pressed={props.layout.side === "right"}
              onClick={() => props.onChange({ side: "right" })}
            >
              Right
            </button>
          </span>
        </div>
        <button type="button" data-testid="layout-reset" onClick={props.onReset}>
          Reset layout
        </button>
      </div>
    </details>
  );
}
