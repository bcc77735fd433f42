// Short texts for order rows and results.
import type { OrderView } from "../bindings";
import { DASH } from "../format";

const KIND_LABEL: Record<string, string> = { MARKET: "MKT", LIMIT: "LMT", STOP: "STP", STOP_LIMIT: "STP LMT" };

export const kindLabel = (kind: string | null) => (kind ? (KIND_LABEL[kind] ?? kind) : DASH);

/** The price column: the limit, the stop, or both for a stop-limit. */
export function priceLabel(order: Pick<OrderView, "kind" | "limitPrice" | "stopPrice">): string {
  const limit = order.limitPrice || null;
  const stop = order.stopPrice || null;
  if (order.kind === "MARKET") return "MKT";
  if (limit && stop) return `${limit} stop ${stop}`;
  if (stop) return `stop ${stop}`;
  return limit ?? DASH;
}

export function statusClass(status: string): string {
  switch (status) {
    case "FILLED":
      return "st-filled";
    case "PARTIALLY_FILLED":
      return "st-partial";
    case "REJECTED":
    case "NOT_PLACED":
      return "st-rejected";
    case "UNKNOWN":
      return "st-unknown";
    case "CANCELED":
    case "EXPIRED":
    case "REPLACED":
      return "st-done";
    default:
      return "st-working";
  }
}
