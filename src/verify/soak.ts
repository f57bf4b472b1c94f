/**
 * Soak: one long stream through a generated model — the state carried from the first step to the
 * last, never reset — on a target, held to the simulator bit for bit at every step. The stream
 * mixes random rows with adversarial stretches (rows at the integer limits, long constant runs,
 * alternating extremes: random-quant-model.ts), so the state is driven to its fixed points and
 * back for as long as the run lasts.
 *
 * The verify driver (targets/harness/verify_driver.c.hbs) writes a record after every step; the
 * simulator's records are encoded the same way (driver-io.ts) and compared byte for byte, record
 * by record, as both are read, with a running sha256 of each stream; the first difference is
 * decoded and named. The simulator runs under the overflow proof's observer (quant/overflow.ts):
 * every accumulator it computed is checked against the model's proved bound.
 */
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { QuantModel } from "../model/quant-model-file.js";
import { ProofObserver, proveOverflow } from "../quant/overflow.js";
import { satRecord } from "../quant/simulator.js";
import { buildProgram, offsetWeightsOf, runProgram } from "../toolchain/index.js";
import { compareRecords } from "./compare.js";
import { decodeOutputs, encodeInputs, encodeRecords, recordBytes, type DriverRecord } from "./driver-io.js";
import { writeProgram } from "./program.js";
import { adversarialInputs, ADVERSARIAL_KINDS, Draw, randomInputs, randomQuantModel, seededRandom, type RandomModelSpec } from "./random-quant-model.js";

/**
 * The soak's models: the fuzzer's random models (extreme weights, multipliers and biases), in
 * stream mode. Their seeds were picked among the first 200 as the first whose output, over 3,000
 * soak rows, takes over 100 distinct values and saturates on under 10 % of the steps (most random
 * models sit at an output limit, and a soak of a constant output would check little); both still
 * saturate c or h (or z) thousands of times, which the soak must carry bit for bit.
 */
export const SOAK_MODELS: readonly { label: string; seed: number; spec: RandomModelSpec }[] = [
  {
    label: "standard cell, w8a16, 2 layers, 4→12×2→1",
    seed: 8,
    spec: { scheme: "w8a16", cell: "standard", inputSize: 4, hidden: 12, layers: 2, outputs: 1, mode: "stream", window: 1, horizon: 0 },
  },
  {
    label: "seed cell, w8a8, 1 layer, 3→16→2",
    seed: 96,
    spec: { scheme: "w8a8", cell: "seed", inputSize: 3, hidden: 16, layers: 1, outputs: 2, mode: "stream", window: 1, horizon: 0 },
  },
];

export function soakModel(m: (typeof SOAK_MODELS)[number]): QuantModel {
  return randomQuantModel(new Draw(seededRandom(m.seed)), m.spec);
}

/**
 * The stream's rows, `steps` of them, in stretches of 50 … 5,000 rows: random rows, or an
 * adversarial stretch of each kind in turn. Deterministic from `seed`.
 */
export function soakInputs(model: QuantModel, steps: number, seed: number): Int16Array[] {
  const d = new Draw(seededRandom(seed));
  const I = model.architecture.inputSize;
  const bits = model.fixed!.x.bits;
  const rows: Int16Array[] = [];
  let kind = 0;
  while (rows.length < steps) {
    const n = Math.min(steps - rows.length, d.int(50, 5000));
    const stretch = d.chance(0.5) ? randomInputs(d, n, I, bits) : adversarialInputs(d, n, I, bits, ADVERSARIAL_KINDS[kind++ % ADVERSARIAL_KINDS.length]);
    for (const r of stretch) rows.push(Int16Array.from(r));
  }
  return rows;
}

export interface SoakResult {
  target: string;
  model: string;
  steps: number;
  /** Records compared (one per step), and the first that differed (null: none). */
  records: number;
  firstDifference: string | null;
  /** sha256 of the driver's record stream and of the simulator's: equal when bit-exact. */
  sha256Target: string;
  sha256Simulator: string;
  /** The state (c, h of every layer) and output after the last step, from the target. */
  finalRecord: DriverRecord | null;
  /** Records at evenly spaced steps (step → the target's record, equal to the simulator's). */
  spots: { step: number; record: DriverRecord }[];
  /** Largest |value| the stream reached, and saturations the simulator counted. */
  maxAbs: { y: number; c: number; h: number };
  saturations: Record<string, number>;
  /** Accumulators that left their proved bound (empty when the proof holds). */
  outsideProof: string[];
  proofHeadroomBits: number;
  /** Seconds: build, run on the target, simulate and compare. */
  seconds: { build: number; run: number; compare: number };
}

const SPOTS = 10;
/** Records compared per read of the driver's output file. */
const CHUNK = 4096;

/**
 * Builds the model's verify driver for `target` (release), runs the stream through it once, and
 * compares every record with the simulator's.
 */
export async function soak(model: QuantModel, label: string, target: string, steps: number, seed: number, workDir: string, timeoutMs: number): Promise<SoakResult> {
  const dir = resolve(workDir, `soak-${target}-${model.hash.slice(7, 15)}`);
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const sources = await writeProgram(model, "c", dir, "soak", target, offsetWeightsOf(target));
  const { executable } = await buildProgram({ target, variant: "release", sources: sources.map((f) => join(dir, f)), includeDirs: [dir], outDir: join(dir, "build") });
  const rows = soakInputs(model, steps, seed);
  writeFileSync(join(dir, "soak.in"), encodeInputs(model, rows));
  const t1 = Date.now();
  const res = await runProgram({ target, executable, args: ["soak.in", "soak.out"], cwd: dir, timeoutMs });
  if (res.timedOut || res.exitCode !== 0) {
    throw new Error(`${target}: the soak driver ${res.timedOut ? "timed out" : `exited ${res.exitCode}`}: ${(res.stderr + res.stdout).trim().slice(0, 500)}`);
  }
  const t2 = Date.now();
  const compared = compareSoak(model, rows, join(dir, "soak.out"));
  const t3 = Date.now();
  return { target, model: label, steps, ...compared, seconds: { build: (t1 - t0) / 1000, run: (t2 - t1) / 1000, compare: (t3 - t2) / 1000 } };
}

/** What compareSoak finds in a driver's output file. */
export type SoakComparison = Omit<SoakResult, "target" | "model" | "steps" | "seconds">;

/**
 * Compares the verify driver's output file for the stream `rows` (one record per row, from one
 * reset) with the simulator's records, byte for byte, reading the file in chunks; hashes both,
 * keeps spot records and the last, and runs the simulator under the overflow proof's observer.
 */
export function compareSoak(model: QuantModel, rows: readonly ArrayLike<number>[], outputFile: string): SoakComparison {
  const steps = rows.length;
  const target = outputFile;
  const proof = proveOverflow(model);
  const obs = new ProofObserver(model, proof);
  const bytes = recordBytes(model);
  const fd = openSync(outputFile, "r");
  const hashTarget = createHash("sha256");
  const hashSim = createHash("sha256");
  const maxAbs = { y: 0, c: 0, h: 0 };
  const spots: SoakResult["spots"] = [];
  const spotEvery = Math.max(1, Math.floor(steps / SPOTS));
  let firstDifference: string | null = null;
  let finalRecord: DriverRecord | null = null;
  let records = 0;
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    if (head.toString("latin1") !== "SQFO") throw new Error(`${target}: does not start with SQFO`);
    let position = 4;
    const chunk = Buffer.alloc(CHUNK * bytes);
    obs.reset();
    for (let from = 0; from < steps && firstDifference === null; from += CHUNK) {
      const n = Math.min(CHUNK, steps - from);
      const got = readSync(fd, chunk, 0, n * bytes, position);
      if (got === 0 && n > 0) {
        firstDifference = `after step ${from}: the output file ends`;
        break;
      }
      position += got;
      const expected: DriverRecord[] = [];
      for (let t = from; t < from + n; t++) {
        const y = obs.step(rows[t]!);
        expected.push({ y: Array.from(y), c: obs.sim.state.c.map((v) => Array.from(v)), h: obs.sim.state.h.map((v) => Array.from(v)) });
      }
      const want = encodeRecords(model, expected);
      hashSim.update(want);
      hashTarget.update(chunk.subarray(0, got));
      if (got !== n * bytes || !chunk.subarray(0, got).equals(Buffer.from(want))) {
        // Decode this chunk of the target's records to name the first difference.
        const wrapped = Buffer.concat([Buffer.from("SQFO"), chunk.subarray(0, Math.floor(got / bytes) * bytes), trailer(Math.floor(got / bytes))]);
        const cmp = compareRecords(expected, decodeOutputs(model, wrapped));
        const f = cmp.first;
        firstDifference = f
          ? `step ${from + f.record}: ${f.tensor}[${f.index}]: C ${f.actual}, simulator ${f.expected}`
          : `after step ${from + Math.floor(got / bytes)}: the output file ends (${Math.floor(got / bytes)} of ${n} records in this chunk)`;
      }
      for (const [k, r] of expected.entries()) {
        const step = from + k;
        maxAbs.y = Math.max(maxAbs.y, ...r.y.map(Math.abs));
        maxAbs.c = Math.max(maxAbs.c, ...r.c.flat().map(Math.abs));
        maxAbs.h = Math.max(maxAbs.h, ...r.h.flat().map(Math.abs));
        if ((step + 1) % spotEvery === 0 || step === steps - 1) {
          const record = decodeOutputs(model, Buffer.concat([Buffer.from("SQFO"), chunk.subarray(k * bytes, (k + 1) * bytes), trailer(1)]))[0]!;
          if (step === steps - 1) finalRecord = record;
          else spots.push({ step: step + 1, record });
        }
      }
      records += Math.floor(got / bytes);
    }
  } finally {
    closeSync(fd);
  }
  return {
    records,
    firstDifference,
    sha256Target: hashTarget.digest("hex"),
    sha256Simulator: hashSim.digest("hex"),
    finalRecord,
    spots,
    maxAbs,
    saturations: satRecord(obs.sim.sats),
    outsideProof: obs.outside(),
    proofHeadroomBits: proof.headroomBits,
  };
}

function trailer(records: number): Buffer {
  const b = Buffer.alloc(8);
  b.write("SQFE", 0, "latin1");
  b.writeUInt32LE(records, 4);
  return b;
}
