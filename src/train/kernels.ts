/**
 * The dense loops of training. Every buffer of a training run lives in one memory of doubles
 * (./workspace.ts), and the kernels address it by index: an argument named like a buffer is the
 * index of its first double. Matrices are row-major: w [R × C] at index wo, row r at wo + r·C.
 *
 *   mv      dst[d + n·dS + r] += Σ_k w[wo + r·C + k] · src[s + n·sS + k]        (r < R, n < count)
 *   mtv     out[o + n·oS + k] += Σ_r w[wo + r·C + k] · dv[d + n·dS + r]         (k < C, n < count)
 *   wg      s[r, k] = Σ_n dv[d + n·dS + r] · a[ao + n·aS + k]                  (r < R, k < C)
 *           then dst[at + r·C + k] −= lr · s[r, k] (sgd = 1, the fused update) or = s[r, k] (sgd = 0)
 *   colsum  s[r] = Σ_n dv[d + n·dS + r], then dst[at + r] −= lr · s[r] or = s[r]
 * R is a multiple of 4 (it is 4H) for all of them. And the cell of one step, for nb samples
 * (z at act [nb][4H] in the gate order i, f, g, o, activated in place; c_prev at cp, and c, h,
 * tanh(c) written at cn, hn, tc, each [nb][H]; the float reference's formulas, in its order):
 *   cellStd   i, f, o = σ(z); g = tanh(z);  c = f·c_prev + i·g;  h = o·tanh(c)
 *   cellSeed  i, f, o = σ(z); g = tanh(z);  c = g·i + c_prev·f;  h = c·o      (tc unused)
 * and its backward (dz at dz [nb][4H] from the activated gates, dh_above at dh, dL/dh and dL/dc
 * carried from the next step at dhN and dcN, dcN overwritten for the step before; c_prev at cp;
 * the last argument tanh(c) for the standard cell, c for the seed cell):
 *   dh = dh_above + dh_next;  std: do = dh·tanh(c), dc = dc_next + dh·o·(1 − tanh²(c))
 *                             seed: do = dh·c,      dc = dc_next + o·dh
 *   dz_i = i(1−i)·(g·dc)  dz_f = f(1−f)·(c_prev·dc)  dz_g = (1−g²)·(i·dc)  dz_o = o(1−o)·do
 *   dc_next ← dc·f      (bit for bit the same in both implementations: no reordering)
 *
 * Two implementations: the WebAssembly SIMD kernels the trainer runs (./wasm/, register-blocked,
 * two doubles per instruction), and the plain TypeScript below: the readable reference the
 * tests hold them to. They differ in the order of additions and in e^x (the wasm cell computes
 * its own, ~2 ulp from Math.exp, and tanh from it): a few ulps in all.
 */

export interface Kernels {
  mv(wo: number, R: number, C: number, s: number, sS: number, count: number, d: number, dS: number): void;
  mtv(o: number, oS: number, C: number, wo: number, R: number, d: number, dS: number, count: number): void;
  wg(at: number, R: number, C: number, d: number, dS: number, ao: number, aS: number, count: number, sgd: 0 | 1, lr: number): void;
  colsum(at: number, R: number, d: number, dS: number, count: number, sgd: 0 | 1, lr: number): void;
  cellStd(act: number, cp: number, cn: number, hn: number, tc: number, H: number, nb: number): void;
  cellSeed(act: number, cp: number, cn: number, hn: number, tc: number, H: number, nb: number): void;
  cellBackStd(act: number, dz: number, dh: number, dhN: number, dcN: number, cp: number, tc: number, H: number, nb: number): void;
  cellBackSeed(act: number, dz: number, dh: number, dhN: number, dcN: number, cp: number, cn: number, H: number, nb: number): void;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The four gates of one unit, in place: z at a, a + H, a + 2H, a + 3H → sigmoid, sigmoid, tanh, sigmoid. */
function activateUnit(m: Float64Array, a: number, H: number): void {
  m[a] = sigmoid(m[a]!);
  m[a + H] = sigmoid(m[a + H]!);
  m[a + 2 * H] = Math.tanh(m[a + 2 * H]!);
  m[a + 3 * H] = sigmoid(m[a + 3 * H]!);
}

/** dz of the four gates at z (stride H) from the activated gates, c_prev, dc and do. */
function backGates(m: Float64Array, z: number, H: number, i: number, f: number, g: number, o: number, cPrev: number, dc: number, dO: number): void {
  m[z] = i * (1 - i) * (g * dc);
  m[z + H] = f * (1 - f) * (cPrev * dc);
  m[z + 2 * H] = (1 - g * g) * (i * dc);
  m[z + 3 * H] = o * (1 - o) * dO;
}

export type KernelKind = "wasm" | "ts";

/** The reference kernels over the memory `m`. */
export function tsKernels(m: Float64Array): Kernels {
  return {
    mv(wo, R, C, s, sS, count, d, dS) {
      for (let n = 0; n < count; n++) {
        for (let r = 0; r < R; r++) {
          let acc = 0;
          for (let k = 0; k < C; k++) acc += m[wo + r * C + k]! * m[s + n * sS + k]!;
          m[d + n * dS + r] = m[d + n * dS + r]! + acc;
        }
      }
    },
    mtv(o, oS, C, wo, R, d, dS, count) {
      for (let n = 0; n < count; n++) {
        for (let k = 0; k < C; k++) {
          let acc = m[o + n * oS + k]!;
          for (let r = 0; r < R; r++) acc += m[wo + r * C + k]! * m[d + n * dS + r]!;
          m[o + n * oS + k] = acc;
        }
      }
    },
    wg(at, R, C, d, dS, ao, aS, count, sgd, lr) {
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < C; k++) {
          let s = 0;
          for (let n = 0; n < count; n++) s += m[d + n * dS + r]! * m[ao + n * aS + k]!;
          const i = at + r * C + k;
          m[i] = sgd ? m[i]! - lr * s : s;
        }
      }
    },
    colsum(at, R, d, dS, count, sgd, lr) {
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let n = 0; n < count; n++) s += m[d + n * dS + r]!;
        m[at + r] = sgd ? m[at + r]! - lr * s : s;
      }
    },
    cellStd(act, cp, cn, hn, tc, H, nb) {
      for (let b = 0; b < nb; b++) {
        for (let j = 0; j < H; j++) {
          const a = act + b * 4 * H + j;
          activateUnit(m, a, H);
          const i = m[a]!, f = m[a + H]!, g = m[a + 2 * H]!, o = m[a + 3 * H]!;
          const c = f * m[cp + b * H + j]! + i * g;
          const t = Math.tanh(c);
          m[cn + b * H + j] = c;
          m[tc + b * H + j] = t;
          m[hn + b * H + j] = o * t;
        }
      }
    },
    cellSeed(act, cp, cn, hn, _tc, H, nb) {
      for (let b = 0; b < nb; b++) {
        for (let j = 0; j < H; j++) {
          const a = act + b * 4 * H + j;
          activateUnit(m, a, H);
          const i = m[a]!, f = m[a + H]!, g = m[a + 2 * H]!, o = m[a + 3 * H]!;
          const c = g * i + m[cp + b * H + j]! * f;
          m[cn + b * H + j] = c;
          m[hn + b * H + j] = c * o;
        }
      }
    },
    cellBackStd(act, dz, dh, dhN, dcN, cp, tc, H, nb) {
      for (let b = 0; b < nb; b++) {
        for (let j = 0; j < H; j++) {
          const a = act + b * 4 * H + j, z = dz + b * 4 * H + j, v = b * H + j;
          const i = m[a]!, f = m[a + H]!, g = m[a + 2 * H]!, o = m[a + 3 * H]!;
          const dhj = m[dh + v]! + m[dhN + v]!;
          const t = m[tc + v]!;
          const dO = dhj * t;
          const dc = m[dcN + v]! + dhj * o * (1 - t * t);
          backGates(m, z, H, i, f, g, o, m[cp + v]!, dc, dO);
          m[dcN + v] = dc * f;
        }
      }
    },
    cellBackSeed(act, dz, dh, dhN, dcN, cp, cn, H, nb) {
      for (let b = 0; b < nb; b++) {
        for (let j = 0; j < H; j++) {
          const a = act + b * 4 * H + j, z = dz + b * 4 * H + j, v = b * H + j;
          const i = m[a]!, f = m[a + H]!, g = m[a + 2 * H]!, o = m[a + 3 * H]!;
          const dhj = m[dh + v]! + m[dhN + v]!;
          const dO = dhj * m[cn + v]!;
          const dc = m[dcN + v]! + o * dhj;
          backGates(m, z, H, i, f, g, o, m[cp + v]!, dc, dO);
          m[dcN + v] = dc * f;
        }
      }
    },
  };
}
