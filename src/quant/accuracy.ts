/**
 * Quantization error against the float64 reference (docs/architecture.md "The parity contract"):
 * max abs error, RMSE, relative L2 error l2r = ||y_q - y_f|| / ||y_f||, cosine similarity, on
 * normalised outputs, plus the task RMSE of each against the true targets when they are known.
 */
import type { ErrorMetrics } from "../model/quant-model-file.js";

export function compareOutputs(
  reference: ArrayLike<number>[],
  quantized: ArrayLike<number>[],
  targets?: ArrayLike<number>[] | null,
  saturations: Record<string, number> = {},
): ErrorMetrics {
  if (reference.length !== quantized.length) throw new Error("compareOutputs: lengths differ");
  let maxAbs = 0;
  let se = 0;
  let refSq = 0;
  let qSq = 0;
  let dotRQ = 0;
  let n = 0;
  let seTaskF = 0;
  let seTaskQ = 0;
  for (let s = 0; s < reference.length; s++) {
    const r = reference[s]!;
    const q = quantized[s]!;
    for (let o = 0; o < r.length; o++) {
      const d = q[o]! - r[o]!;
      maxAbs = Math.max(maxAbs, Math.abs(d));
      se += d * d;
      refSq += r[o]! * r[o]!;
      qSq += q[o]! * q[o]!;
      dotRQ += r[o]! * q[o]!;
      n++;
      if (targets) {
        const t = targets[s]![o]!;
        seTaskF += (r[o]! - t) ** 2;
        seTaskQ += (q[o]! - t) ** 2;
      }
    }
  }
  const safe = (v: number) => (Number.isFinite(v) ? v : 0);
  return {
    samples: reference.length,
    maxAbs,
    rmse: n ? Math.sqrt(se / n) : 0,
    l2r: refSq > 0 ? Math.sqrt(se / refSq) : se > 0 ? 1 : 0,
    cosine: refSq > 0 && qSq > 0 ? safe(dotRQ / Math.sqrt(refSq * qSq)) : refSq === qSq ? 1 : 0,
    taskRmseFloat: targets && n ? Math.sqrt(seTaskF / n) : null,
    taskRmseQuant: targets && n ? Math.sqrt(seTaskQ / n) : null,
    saturations,
  };
}
