import { createSignal } from "solid-js";
import { type Limits, clamp, splitterKey } from "./layout";

/**
 * A draggable, focusable separator between two panels (WAI-ARIA window
 * splitter): the mouse drags it, arrows move it, Home and End go to the
 * limits. Its value is the size of the panel it resizes.
 */
export function Splitter(props: {
  /** "vertical" splits side by side (drags left/right), "horizontal" one above the other. */
  orientation: "vertical" | "horizontal";
  label: string;
  value: number;
  limits: Limits;
  /** The panel grows as the splitter moves left or up (a side column on the right). */
  growsBackwards?: boolean;
  onChange: (value: number) => void;
  testId: string;
}) {
  const [drag, setDrag] = createSignal<{ from: number; start: number } | null>(null);
  const at = (e: PointerEvent) => (props.orientation === "vertical" ? e.clientX : e.clientY);
  const sign = () => (props.growsBackwards ? -1 : 1);
  const grow = () =>
    props.orientation === "vertical"
      ? props.growsBackwards
        ? "ArrowLeft"
        : "ArrowRight"
      : props.growsBackwards
        ? "ArrowUp"
        : "ArrowDown";
  const end = (e: PointerEvent) => {
    const el = e.currentTarget as HTMLElement;
    if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    setDrag(null);
  };
  return (
    <div
      class={`splitter splitter-${props.orientation}`}
      classList={{ dragging: drag() !== null }}
      role="separator"
      tabIndex={0}
      aria-label={props.label}
      aria-orientation={props.orientation}
      aria-valuenow={props.value}
      aria-valuemin={props.limits.min}
      aria-valuemax={props.limits.max}
      data-testid={props.testId}
      onPointerDown={(e) => {
        if (e.button !== 0) return;
        e.preventDefault(); // no text selection while dragging
        e.currentTarget.focus();
        e.currentTarget.setPointerCapture(e.pointerId);
        setDrag({ from: at(e), start: props.value });
      }}
      onPointerMove={(e) => {
        const d = drag();
        if (d) props.onChange(clamp(d.start + sign() * (at(e) - d.from), props.limits));
      }}
      onPointerUp={end}
      onPointerCancel={end}
      onKeyDown={(e) => {
        const next = splitterKey(e.key, e.shiftKey, props.value, props.limits, grow());
        if (next === null) return;
        e.preventDefault(); // the arrows would scroll the page
        props.onChange(next);
      }}
    />
  );
}
