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
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

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
          const i = sigmoid(m[a]!), f = sigmoid(m[a + H]!), g = Math.tanh(m[a + 2 * H]!), o = sigmoid(m[a + 3 * H]!);
          m[a] = i;
          m[a + H] = f;
          m[a + 2 * H] = g;
          m[a + 3 * H] = o;
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
          const i = sigmoid(m[a]!), f = sigmoid(m[a + H]!), g = Math.tanh(m[a + 2 * H]!), o = sigmoid(m[a + 3 * H]!);
          m[a] = i;
          m[a + H] = f;
          m[a + 2 * H] = g;
          m[a + 3 * H] = o;
          const c = g * i + m[cp + b * H + j]! * f;
          m[cn + b * H + j] = c;
          m[hn + b * H + j] = c * o;
        }
      }
    },
  };
}
