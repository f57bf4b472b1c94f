/**
 * Parameter updates over the flat parameter vector, and global-norm gradient clipping.
 *   sgd:   p ← p − lr·g
 *   adam:  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  p ← p − lr·m̂/(√v̂ + ε)
 *          with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ); β1 0.9, β2 0.999, ε 1e-8 (Kingma & Ba)
 */
export interface Optimizer {
  step(p: Float64Array, g: Float64Array): void;
  /** Set for plain SGD: its update can be fused into the backward pass (./backward.ts). */
  readonly sgdLr?: number;
}

export function sgd(lr: number): Optimizer {
  return {
    sgdLr: lr,
    step(p, g) {
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * g[i]!;
    },
  };
}

export function adam(lr: number, size: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Optimizer {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let t = 0;
  return {
    step(p, g) {
      t++;
      const c1 = 1 / (1 - beta1 ** t);
      const c2 = 1 / (1 - beta2 ** t);
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const mi = beta1 * m[i]! + (1 - beta1) * gi;
        const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! - (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
      }
    },
  };
}

/** Scales g so that its L2 norm is at most maxNorm (0: off). Returns the norm before clipping. */
export function clipGlobalNorm(g: Float64Array, maxNorm: number): number {
  let ss = 0;
  for (let i = 0; i < g.length; i++) ss += g[i]! * g[i]!;
  const norm = Math.sqrt(ss);
  if (maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / norm;
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * s;
  }
  return norm;
}
