// The update as Rust reports it (the first status, then every "update-changed"
// event) and the user's actions on it. The tray's *Check for updates…* opens
// the dialog and checks.
import { createSignal, onCleanup, onMount } from "solid-js";
import type { UpdateView } from "../bindings";
import * as ipc from "../ipc";
import { createAction } from "../ui/action";

export type Updates = ReturnType<typeof createUpdates>;

export function createUpdates() {
  const [view, setView] = createSignal<UpdateView | null>(null);
  const [open, setOpen] = createSignal(false);
  // The version the user chose to hear about later: no banner for it in this run.
  const [putOff, setPutOff] = createSignal<string | null>(null);
  const unlisten: (() => void)[] = [];
  onCleanup(() => unlisten.forEach((stop) => stop()));

  const check = createAction(async () => setView(await ipc.checkUpdate()));
  const download = createAction(async () => setView(await ipc.downloadUpdate()));
  const install = createAction(async () => setView(await ipc.installUpdate()));

  function openAndCheck() {
    setOpen(true);
    const phase = view()?.phase;
    if (phase === "idle" || phase === "upToDate" || phase === "unreachable") void check.run();
  }

  onMount(async () => {
    try {
      // Listen first, so a change between the two calls is not missed.
      unlisten.push(await ipc.onUpdateChanged(setView));
      unlisten.push(await ipc.onOpenUpdates(openAndCheck));
      setView(await ipc.updateStatus());
    } catch {
      // Updates are an extra: the desk works the same without them.
    }
  });

  return {
    view,
    open,
    show: () => setOpen(true),
    openAndCheck,
    close: () => setOpen(false),
    putOff,
    later: () => setPutOff(view()?.release?.version ?? null),
    check,
    download,
    install,
  };
}
