/**
 * The seed's initial weights and inputs, drawn as its numpy code draws them:
 *   rand_arr(a, b, *shape) = np.random.seed(0); np.random.rand(*shape) * (b - a) + a
 * is called for wg, wi, wf, wo (each [cells × (x_dim + cells)], acting on xc = [x, h_prev]) and
 * then bg, bi, bf, bo ([cells]); every call reseeds, so the four gates start identical. The
 * inputs, np.random.random(x_dim) per step, continue the stream the last bias draw left.
 * The seed's matrices are split into the shared layout (src/train/layout.ts): wx = columns
 * 0..x_dim-1, wh = the rest, gate blocks in the order i, f, g, o.
 */
import type { ParamLayout } from "../train/layout.js";
import { MT19937 } from "./mt19937.js";

function randArr(rng: MT19937, a: number, b: number, n: number): Float64Array {
  rng.seed(0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.randomSample() * (b - a) + a;
  return out;
}

/** Layout gate block of each of the seed's gates. */
const GATE_BLOCK = { i: 0, f: 1, g: 2, o: 3 } as const;
/** The order the seed draws them in. */
const DRAW_ORDER = ["g", "i", "f", "o"] as const;

/**
 * Fills `p` (one layer, seed cell) with the seed's weights and returns its inputs, one
 * Float64Array of x_dim values per step.
 */
export function numpyInit(p: Float64Array, lay: ParamLayout, rng: MT19937, steps: number): Float64Array[] {
  const X = lay.inputSize;
  const H = lay.hidden;
  const cols = X + H;
  const o = lay.layer[0]!;
  for (const gate of DRAW_ORDER) {
    const w = randArr(rng, -0.1, 0.1, H * cols);
    const block = GATE_BLOCK[gate] * H;
    for (let r = 0; r < H; r++) {
      p.set(w.subarray(r * cols, r * cols + X), o.wx + (block + r) * X);
      p.set(w.subarray(r * cols + X, (r + 1) * cols), o.wh + (block + r) * H);
    }
  }
  for (const gate of DRAW_ORDER) p.set(randArr(rng, -0.1, 0.1, H), o.b + GATE_BLOCK[gate] * H);
  const inputs: Float64Array[] = [];
  for (let t = 0; t < steps; t++) {
    const x = new Float64Array(X);
    for (let k = 0; k < X; k++) x[k] = rng.randomSample();
    inputs.push(x);
  }
  return inputs;
}
