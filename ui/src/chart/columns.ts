// `chart_history`'s binary answer (src-tauri/views/bars.rs): a 16-byte header,
// then six little-endian f64 columns. Each column becomes a Float64Array over
// the answer's own bytes, without a copy: 100,000 bars arrive as 4.8 MB that
// nothing parses (docs/benchmarks.md, "Chart: 100,000 one-minute bars").
import type { BarColumns } from "../bindings";

const MAGIC = "BARS";
const VERSION = 1;
const COLUMNS = ["time", "open", "high", "low", "close", "volume"] as const;
const HEADER_BYTES = 16;

// Float64Array reads in the machine's byte order; every webview we ship on is little-endian.
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The columns of one answer; throws on anything that is not this layout, whole. */
export function decodeBarColumns(answer: ArrayBuffer): BarColumns {
  if (!littleEndian) throw new Error("chart history: a big-endian machine cannot read the bar columns");
  const header = answer.byteLength >= HEADER_BYTES ? new DataView(answer, 0, HEADER_BYTES) : null;
  const magic = header ? String.fromCharCode(...new Uint8Array(answer, 0, 4)) : "";
  if (!header || magic !== MAGIC) throw new Error("chart history: not a bar-columns answer");
  const version = header.getUint32(4, true);
  const count = header.getUint32(8, true);
  const columns = header.getUint32(12, true);
  if (version !== VERSION || columns !== COLUMNS.length) {
    throw new Error(`chart history: layout ${version} with ${columns} columns, expected ${VERSION} with ${COLUMNS.length}`);
  }
  const expected = HEADER_BYTES + COLUMNS.length * count * 8;
  if (answer.byteLength !== expected) {
    throw new Error(`chart history: ${answer.byteLength} bytes for ${count} bars, expected ${expected}`);
  }
  const column = (k: number) => new Float64Array(answer, HEADER_BYTES + k * count * 8, count);
  return { time: column(0), open: column(1), high: column(2), low: column(3), close: column(4), volume: column(5) };
}

/** How many bars the columns hold. */
export const barCount = (columns: BarColumns) => columns.time.length;
