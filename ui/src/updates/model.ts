// What the Updates dialog and banner show for an UpdateView, as pure
// functions (vitest). Rust owns the steps (src-tauri/updates.rs); the window
// only offers the ones the phase allows, and installs on the user's click.
import type { UpdateView } from "../bindings";

export type UpdateAction = "check" | "download" | "install";

export type UpdateSummary = {
  title: string;
  /** The release notes or what the last step met; null when there is nothing to add. */
  detail: string | null;
  /** Download progress from 0 to 1; null when there is none or its size is not known. */
  progress: number | null;
  /** "1.2 MB of 8.4 MB" while downloading. */
  progressText: string | null;
  /** "Published 30 November 2026", when the release's `pub_date` is a date. */
  published: string | null;
  actions: UpdateAction[];
};

export function summarize(view: UpdateView): UpdateSummary {
  const version = view.release?.version ?? "";
  const published = publishedOn(view.release?.date ?? null);
  const base = { detail: view.message, progress: null, progressText: null, published };
  switch (view.phase) {
    case "off":
      return { ...base, title: "Update checks are off", actions: [] };
    case "idle":
      return { ...base, title: "Not checked yet", actions: ["check"] };
    case "checking":
      return { ...base, title: "Checking for updates…", actions: [] };
    case "upToDate":
      return { ...base, title: `Aries Desk ${view.current} is the latest version`, actions: ["check"] };
    case "unreachable":
      return { ...base, title: "Could not check for updates", actions: ["check"] };
    case "available":
      // A failed download keeps the offer: its message says why, the notes stay readable.
      return { ...base, title: `Aries Desk ${version} is available`, detail: view.message, actions: ["download"] };
    case "downloading":
      return {
        title: `Downloading Aries Desk ${version}…`,
        detail: null,
        progress: view.total ? Math.min(1, view.received / view.total) : null,
        progressText: view.total ? `${size(view.received)} of ${size(view.total)}` : size(view.received),
        published,
        actions: [],
      };
    case "ready":
      return { ...base, title: `Aries Desk ${version} is ready to install`, actions: ["install"] };
    case "installing":
      return { ...base, title: `Installing Aries Desk ${version}…`, actions: [] };
  }
}

/** The banner: a newer version the user has not put off ("Later") for this run. */
export function announces(view: UpdateView | null, putOff: string | null): boolean {
  if (!view?.release || view.release.version === putOff) return false;
  return ["available", "downloading", "ready", "installing"].includes(view.phase);
}

const day = new Intl.DateTimeFormat("en-GB", { dateStyle: "long" });

/** The release's date in the trader's time zone; nothing for a missing or unreadable one. */
function publishedOn(date: string | null): string | null {
  const at = date ? new Date(date) : null;
  return at && !Number.isNaN(at.getTime()) ? `Published ${day.format(at)}` : null;
}

function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
