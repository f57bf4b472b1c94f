/**
 * The dense loops of training, on flat Float64Arrays addressed by offsets (no subarray views in
 * the hot path, no allocation). Every matrix is row-major, w [R × C] at offset `wo` of `p`.
 * V8 does not vectorise, so loads are the cost: each kernel is blocked so that one load feeds
 * several multiply-adds, and keeps a block of weight rows in L1 while it runs over all samples.
 */

/**
 * dst[dBase + n·dStride + r] += Σ_k w[r, k] · src[sBase + n·sStride + k]   for n < count, r < R.
 * R must be a multiple of 4. Blocks of 4 rows (4 accumulators; more make V8 spill registers),
 * kept in L1 while they run over every sample.
 */
export function addMatVec(
  p: Float64Array, wo: number, R: number, C: number,
  src: Float64Array, sBase: number, sStride: number, count: number,
  dst: Float64Array, dBase: number, dStride: number,
): void {
  for (let r = 0; r < R; r += 4) {
    const w0 = wo + r * C;
    const w1 = w0 + C, w2 = w1 + C, w3 = w2 + C;
    for (let n = 0; n < count; n++) {
      const s0 = sBase + n * sStride;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let k = 0; k < C; k++) {
        const u = src[s0 + k]!;
        a0 += p[w0 + k]! * u;
        a1 += p[w1 + k]! * u;
        a2 += p[w2 + k]! * u;
        a3 += p[w3 + k]! * u;
      }
      const d = dBase + n * dStride + r;
      dst[d] = dst[d]! + a0;
      dst[d + 1] = dst[d + 1]! + a1;
      dst[d + 2] = dst[d + 2]! + a2;
      dst[d + 3] = dst[d + 3]! + a3;
    }
  }
}

/**
 * out[oBase + n·oStride + k] += Σ_r w[r, k] · d[dBase + n·dStride + r]   for n < count, k < C:
 * a gradient carried back through w. R must be a multiple of 4. Blocks of 8 rows per pass over
 * each output vector, then a last block of 4 when R is not a multiple of 8.
 */
export function addTransposedMatVec(
  out: Float64Array, oBase: number, oStride: number, C: number,
  p: Float64Array, wo: number, R: number,
  d: Float64Array, dBase: number, dStride: number, count: number,
): void {
  const R8 = R - (R % 8);
  for (let r = 0; r < R8; r += 8) {
    const w0 = wo + r * C;
    for (let n = 0; n < count; n++) {
      const dn = dBase + n * dStride + r;
      const d0 = d[dn]!, d1 = d[dn + 1]!, d2 = d[dn + 2]!, d3 = d[dn + 3]!;
      const d4 = d[dn + 4]!, d5 = d[dn + 5]!, d6 = d[dn + 6]!, d7 = d[dn + 7]!;
      const o = oBase + n * oStride;
      for (let k = 0; k < C; k++) {
        out[o + k] =
          out[o + k]! +
          (d0 * p[w0 + k]! + d1 * p[w0 + C + k]! + d2 * p[w0 + 2 * C + k]! + d3 * p[w0 + 3 * C + k]!) +
          (d4 * p[w0 + 4 * C + k]! + d5 * p[w0 + 5 * C + k]! + d6 * p[w0 + 6 * C + k]! + d7 * p[w0 + 7 * C + k]!);
      }
    }
  }
  if (R8 < R) addTransposedLast4(out, oBase, oStride, C, p, wo + R8 * C, d, dBase + R8, dStride, count);
}

function addTransposedLast4(
  out: Float64Array, oBase: number, oStride: number, C: number,
  p: Float64Array, w0: number,
  d: Float64Array, dBase: number, dStride: number, count: number,
): void {
  for (let n = 0; n < count; n++) {
    const dn = dBase + n * dStride;
    const d0 = d[dn]!, d1 = d[dn + 1]!, d2 = d[dn + 2]!, d3 = d[dn + 3]!;
    const o = oBase + n * oStride;
    for (let k = 0; k < C; k++) {
      out[o + k] = out[o + k]! + (d0 * p[w0 + k]! + d1 * p[w0 + C + k]! + d2 * p[w0 + 2 * C + k]! + d3 * p[w0 + 3 * C + k]!);
    }
  }
}

/**
 * A weight gradient, Σ over steps and samples n of dz[n, r] · input[n, :], for every row r < R
 * of w [R × C] at `wo`, applied at once:
 *   s[r, k] = Σ_n d[r + n·dStride] · a[aBase + n·aStride + k]       (k < C, n < count)
 *   then p[wo + r·C + k] −= lr · s[r, k] (fused SGD, `sgd` true), or g[wo + r·C + k] = s[r, k].
 * Four n per pass over a row, so `count` is rounded up to a multiple of 4: the caller provides
 * d rows count… as zeros and a rows there as finite values (they add exactly zero). `row`
 * (length ≥ C) holds the partial sums between passes; count ≤ 4 is one pass with no buffer.
 * One function per case, each a plain loop with no branch inside: V8 compiles those about
 * twice as fast as one generic loop, and `lr` must be a plain number, never number | null: a
 * nullable one stays boxed inside the inlined loop (both measured).
 */
export function weightGradient(
  p: Float64Array, g: Float64Array, wo: number, R: number, C: number,
  d: Float64Array, dStride: number,
  a: Float64Array, aBase: number, aStride: number,
  count: number, sgd: boolean, lr: number, row: Float64Array,
): void {
  const blocks = (count + 3) >> 2;
  if (blocks === 1) {
    if (sgd) oneBlockSgd(p, wo, R, C, d, dStride, a, aBase, aStride, lr);
    else oneBlockStore(g, wo, R, C, d, dStride, a, aBase, aStride);
    return;
  }
  for (let r = 0; r < R; r++) {
    rowFirstBlock(row, C, d, r, dStride, a, aBase, aStride);
    for (let blk = 1; blk < blocks - 1; blk++) rowNextBlock(row, C, d, r + 4 * blk * dStride, dStride, a, aBase + 4 * blk * aStride, aStride);
    const n = 4 * (blocks - 1);
    if (sgd) rowLastSgd(p, wo + r * C, lr, row, C, d, r + n * dStride, dStride, a, aBase + n * aStride, aStride);
    else rowLastStore(g, wo + r * C, row, C, d, r + n * dStride, dStride, a, aBase + n * aStride, aStride);
  }
}

function oneBlockSgd(p: Float64Array, wo: number, R: number, C: number, d: Float64Array, dS: number, a: Float64Array, a0: number, aS: number, lr: number): void {
  const a1 = a0 + aS, a2 = a1 + aS, a3 = a2 + aS;
  for (let r = 0; r < R; r++) {
    const d0 = d[r]!, d1 = d[r + dS]!, d2 = d[r + 2 * dS]!, d3 = d[r + 3 * dS]!;
    const at = wo + r * C;
    for (let k = 0; k < C; k++) p[at + k] = p[at + k]! - lr * (d0 * a[a0 + k]! + d1 * a[a1 + k]! + d2 * a[a2 + k]! + d3 * a[a3 + k]!);
  }
}

function oneBlockStore(g: Float64Array, wo: number, R: number, C: number, d: Float64Array, dS: number, a: Float64Array, a0: number, aS: number): void {
  const a1 = a0 + aS, a2 = a1 + aS, a3 = a2 + aS;
  for (let r = 0; r < R; r++) {
    const d0 = d[r]!, d1 = d[r + dS]!, d2 = d[r + 2 * dS]!, d3 = d[r + 3 * dS]!;
    const at = wo + r * C;
    for (let k = 0; k < C; k++) g[at + k] = d0 * a[a0 + k]! + d1 * a[a1 + k]! + d2 * a[a2 + k]! + d3 * a[a3 + k]!;
  }
}

function rowFirstBlock(row: Float64Array, C: number, d: Float64Array, dn: number, dS: number, a: Float64Array, a0: number, aS: number): void {
  const d0 = d[dn]!, d1 = d[dn + dS]!, d2 = d[dn + 2 * dS]!, d3 = d[dn + 3 * dS]!;
  const a1 = a0 + aS, a2 = a1 + aS, a3 = a2 + aS;
  for (let k = 0; k < C; k++) row[k] = d0 * a[a0 + k]! + d1 * a[a1 + k]! + d2 * a[a2 + k]! + d3 * a[a3 + k]!;
}

function rowNextBlock(row: Float64Array, C: number, d: Float64Array, dn: number, dS: number, a: Float64Array, a0: number, aS: number): void {
  const d0 = d[dn]!, d1 = d[dn + dS]!, d2 = d[dn + 2 * dS]!, d3 = d[dn + 3 * dS]!;
  const a1 = a0 + aS, a2 = a1 + aS, a3 = a2 + aS;
  for (let k = 0; k < C; k++) row[k] = row[k]! + (d0 * a[a0 + k]! + d1 * a[a1 + k]! + d2 * a[a2 + k]! + d3 * a[a3 + k]!);
}

function rowLastSgd(p: Float64Array, at: number, lr: number, row: Float64Array, C: number, d: Float64Array, dn: number, dS: number, a: Float64Array, a0: number, aS: number): void {
  const d0 = d[dn]!, d1 = d[dn + dS]!, d2 = d[dn + 2 * dS]!, d3 = d[dn + 3 * dS]!;
  const a1 = a0 + aS, a2 = a1 + aS, a3 = a2 + aS;
  for (let k = 0; k < C; k++) p[at + k] = p[at + k]! - lr * (row[k]! + (d0 * a[a0 + k]! + d1 * a[a1 + k]! + d2 * a[a2 + k]! + d3 * a[a3 + k]!));
}

function rowLastStore(g: Float64Array, at: number, row: Float64Array, C: number, d: Float64Array, dn: number, dS: number, a: Float64Array, a0: number, aS: number): void {
  const d0 = d[dn]!, d1 = d[dn + dS]!, d2 = d[dn + 2 * dS]!, d3 = d[dn + 3 * dS]!;
  const a1 = a0 + aS, a2 = a1 + aS, a3 = a2 + aS;
  for (let k = 0; k < C; k++) g[at + k] = row[k]! + (d0 * a[a0 + k]! + d1 * a[a1 + k]! + d2 * a[a2 + k]! + d3 * a[a3 + k]!);
}
