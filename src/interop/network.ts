/**
 * What an importer reads from a file, whatever the format: the LSTM stack and its linear head in
 * seqforge's weight layout (src/model/model-file.ts), and what the file says about running them.
 * Also the gate orders of the formats, and the reordering between them.
 */
import type { HeadWeights, LayerWeights, Normalization, Provenance } from "../model/model-file.js";
import type { CellKind } from "../model/cells.js";
import type { RunMode } from "../model/sequence.js";

export interface ImportedNetwork {
  format: Provenance["format"];
  /** The cell the layers compute (the seed cell only from ONNX, as seqforge export writes it). */
  cell: CellKind;
  /** What wrote the file, as it says. */
  producer: string;
  /** ONNX: the default domain's opset; null for tfjs-layers. */
  opset: number | null;
  inputSize: number;
  hiddenSize: number;
  outputSize: number;
  layers: LayerWeights[];
  head: HeadWeights;
  /** Where the head runs: on the last step only (window) or on every step (stream). */
  mode: RunMode;
  /** The sequence length the file fixes (a static time axis), or null when it is dynamic. */
  steps: number | null;
  /** The file's own normalisation (seqforge export's Sub/Div and Mul/Add nodes), or null. */
  normalization: { input: Normalization; output: Normalization } | null;
  /** Column names, window, horizon and run mode that a seqforge export recorded in the file. */
  recorded: RecordedFacts;
  /** Said on stderr: what the import assumed (an initial state read as zeros). */
  notes: string[];
}

export interface RecordedFacts {
  features?: string[];
  targets?: string[];
  window?: number;
  horizon?: number;
  mode?: RunMode;
}

/** The four gates by seqforge's names: input, forget, cell candidate (ONNX and Keras say c), output. */
export type Gate = "i" | "f" | "g" | "o";

/** Each format's order of the four gate blocks in its weight matrices and biases. */
export const GATE_ORDER = {
  /** src/model/model-file.ts, as PyTorch's nn.LSTM. */
  seqforge: ["i", "f", "g", "o"],
  /** The ONNX LSTM operator: W, R and each half of B are blocks i, o, f, c. */
  onnx: ["i", "o", "f", "g"],
  /** Keras: the kernel's columns, the recurrent kernel's columns and the bias are blocks i, f, c, o. */
  keras: ["i", "f", "g", "o"],
} as const satisfies Record<string, readonly Gate[]>;

/**
 * Reorders a gate-major matrix of 4H rows × `cols` (row-major; a bias with cols = 1) from one gate
 * order to another: the block of gate q moves from its position in `from` to its position in `to`.
 */
export function reorderGates(values: ArrayLike<number>, H: number, cols: number, from: readonly Gate[], to: readonly Gate[]): number[] {
  const out = new Array<number>(4 * H * cols);
  const block = H * cols;
  to.forEach((gate, k) => {
    const src = from.indexOf(gate) * block;
    for (let e = 0; e < block; e++) out[k * block + e] = values[src + e]!;
  });
  return out;
}

/** The transpose of a rows × cols row-major matrix. */
export function transpose(values: ArrayLike<number>, rows: number, cols: number): number[] {
  const out = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}
