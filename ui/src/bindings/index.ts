// The IPC contract's types, generated from the Rust views by ts-rs: each file
// beside this one is written by `cargo test -p aries-desk` (TS_RS_EXPORT_DIR in
// .cargo/config.toml) and CI fails when a committed file differs from what the
// Rust side generates (commands.ts: the command names, from src-tauri/commands/names.rs).
// Do not edit them; change the Rust type instead.
// All JSON is camelCase; money, quantities and order prices are decimal strings.
// The command wrappers that use them are in ../ipc.ts.
export type { AccountEventView } from "./AccountEventView";
export type { AccountView } from "./AccountView";
export type { AppError } from "./AppError";
export type { BalancesView } from "./BalancesView";
export type { BarColumns } from "./BarColumns";
export type { BarView } from "./BarView";
export type { CancelReport } from "./CancelReport";
export type { Command } from "./commands";
export type { ConnectionView } from "./ConnectionView";
export type { Drill } from "./Drill";
export type { Mode } from "./Mode";
export type { OrderChainView } from "./OrderChainView";
export type { OrderChanges } from "./OrderChanges";
export type { OrderKind } from "./OrderKind";
export type { OrderPageView } from "./OrderPageView";
export type { OrderTicket } from "./OrderTicket";
export type { OrderView } from "./OrderView";
export type { Phase } from "./Phase";
export type { PlaceResult } from "./PlaceResult";
export type { PositionView } from "./PositionView";
export type { PreviewView } from "./PreviewView";
export type { QuoteBatch } from "./QuoteBatch";
export type { QuoteColumns } from "./QuoteColumns";
export type { QuoteSource } from "./QuoteSource";
export type { QuoteView } from "./QuoteView";
export type { RedirectChoice } from "./RedirectChoice";
export type { ReleaseView } from "./ReleaseView";
export type { ReplacePreviewView } from "./ReplacePreviewView";
export type { SessionView } from "./SessionView";
export type { SocketView } from "./SocketView";
export type { StreamsView } from "./StreamsView";
export type { SymbolHit } from "./SymbolHit";
export type { TicketSide } from "./TicketSide";
export type { TicketSide as Side } from "./TicketSide";
export type { Tif } from "./Tif";
export type { UpdatePhase } from "./UpdatePhase";
export type { UpdateView } from "./UpdateView";
export type { UserView } from "./UserView";
export type { VaultState } from "./VaultState";
export type { WatchlistEdit } from "./WatchlistEdit";
export type { WatchlistView } from "./WatchlistView";
export type { WatchlistsView } from "./WatchlistsView";
