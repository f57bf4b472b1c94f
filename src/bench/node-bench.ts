/**
 * `seqforge bench --target ts`: steps per second of the generated TypeScript module on Node, beside
 * the simulator's (src/quant), for one quantized model. The module is built as verify builds it
 * (the node target: type-checked, transpiled) and imported into this process; both run the same
 * seeded inputs as a stream, one step + output per input, in alternating rounds timed in CPU
 * time, and the median round of each is reported with the conditions (Node version, load average):
 * these are timings, which vary with the machine, not counts. Before any timing, the module's outputs
 * over the inputs must equal the simulator's bit for bit (f32: within 1e-4), so every figure
 * comes from code that computed the right thing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sizeFigures } from "../codegen/figures.js";
import { generateTsModule } from "../codegen/ts/module.js";
import { VerificationError } from "../errors.js";
import { f32Engine } from "../quant/f32-engine.js";
import { quantizeInputs, Simulator, type QuantModel } from "../quant/index.js";
import { buildProgram } from "../toolchain/index.js";
import { benchInputs } from "./bench-model.js";

/** The part of a generated module's API the bench drives. */
interface ModelModule {
  newInput(): Int8Array | Int16Array | Float32Array;
  newOutput(): Int16Array | Float32Array;
  createState(): unknown;
  step(state: unknown, x: ArrayLike<number>): void;
  output(state: unknown, y: Int16Array | Float32Array): void;
}

export interface NodeBenchOptions {
  model: QuantModel;
  /** The module's name, and the model's name in the results. */
  name: string;
  targets: string[];
  workDir: string;
  /** Distinct input rows, run in a cycle (256 by default). */
  rows?: number;
  /** Timed rounds of each, after one round of warm-up (7 by default). */
  rounds?: number;
  /** Milliseconds of one round (300 by default). */
  roundMs?: number;
  seed?: number;
  onProgress?: (message: string) => void;
}

/** One row of `seqforge bench --target ts --json`. */
export interface NodeBenchResult {
  target: string;
  model: string;
  scheme: string;
  mode: string;
  inputSize: number;
  hiddenSize: number;
  layers: number;
  outputSize: number;
  /** MACs of one step + output (every layer and the head). */
  macsPerStep: number;
  /** Steps (step + output) per second of CPU time: the median round of the module, and of the simulator. */
  moduleStepsPerSecond: number;
  simulatorStepsPerSecond: number;
  /** moduleStepsPerSecond / simulatorStepsPerSecond. */
  speedup: number;
  rounds: number;
  roundMs: number;
  /** process.version, and the 1-minute load average when the bench started (os.loadavg). */
  node: string;
  loadAverage: number;
}

/** This process's CPU time in milliseconds (user + system, all threads). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Runs `run(t)` for t = 0 … rows-1 over and over for at least `ms` of CPU time; steps per CPU
 * second. CPU time, not wall time: on a shared machine the wall clock also counts the time other
 * processes hold the cores, which would make the figure a measure of the load.
 */
function stepsPerSecond(run: (t: number) => void, rows: number, ms: number): number {
  const start = cpuMs();
  let steps = 0;
  let elapsed = 0;
  do {
    for (let t = 0; t < rows; t++) run(t);
    steps += rows;
    elapsed = cpuMs() - start;
  } while (elapsed < ms);
  return steps / (elapsed / 1000);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The simulator (f32: the TypeScript float32 engine) as a step function over the bench's rows; returns the output. */
function referenceStepper(model: QuantModel, normalised: Float64Array[]): { step: (t: number) => ArrayLike<number>; rows: ArrayLike<number>[] } {
  if (model.scheme === "f32") {
    const engine = f32Engine(model);
    engine.reset();
    return { step: (t) => engine.step(normalised[t]!), rows: normalised.map((r) => Float32Array.from(r)) };
  }
  const sim = new Simulator(model);
  const xq = quantizeInputs(model, normalised);
  return { step: (t) => sim.step(xq[t]!), rows: xq };
}

export async function benchNode(opts: NodeBenchOptions): Promise<NodeBenchResult[]> {
  const { model, name } = opts;
  const rows = opts.rows ?? 256;
  const rounds = opts.rounds ?? 7;
  const roundMs = opts.roundMs ?? 300;
  const loadAverage = loadavg()[0]!;
  const dir = join(opts.workDir, "ts");
  mkdirSync(dir, { recursive: true });
  const [file] = generateTsModule(model, { name });
  writeFileSync(join(dir, file!.name), file!.content);
  const normalised = benchInputs(model.architecture.inputSize, rows, opts.seed ?? 1);
  const results: NodeBenchResult[] = [];
  for (const target of opts.targets) {
    opts.onProgress?.(`bench ${name} on ${target}…`);
    const built = await buildProgram({ target, sources: [join(dir, file!.name)], includeDirs: [], outDir: join(opts.workDir, `build-${target}`) });
    const mod = (await import(pathToFileURL(built.executable).href)) as ModelModule;
    const reference = referenceStepper(model, normalised);
    const xs = reference.rows.map((r) => {
      const x = mod.newInput();
      x.set(r);
      return x;
    });
    const state = mod.createState();
    const y = mod.newOutput();
    const moduleStep = (t: number) => {
      mod.step(state, xs[t]!);
      mod.output(state, y);
    };
    // The same outputs first, step by step from a reset state.
    for (let t = 0; t < rows; t++) {
      moduleStep(t);
      const expected = reference.step(t);
      const same = Array.from(y).every((v, o) => (model.scheme === "f32" ? Math.abs(v - expected[o]!) <= 1e-4 : v === expected[o]));
      if (!same) {
        throw new VerificationError(`${target}: the benched ${name} computed y = [${Array.from(y).join(", ")}] at step ${t}; the simulator says [${Array.from(expected).join(", ")}]`);
      }
    }
    const moduleRates: number[] = [];
    const simulatorRates: number[] = [];
    for (let r = 0; r <= rounds; r++) {
      const m = stepsPerSecond(moduleStep, rows, roundMs);
      const s = stepsPerSecond((t) => reference.step(t), rows, roundMs);
      // Round 0 warms both up (compilation, caches) and is not counted.
      if (r > 0) {
        moduleRates.push(m);
        simulatorRates.push(s);
      }
    }
    const a = model.architecture;
    const fig = sizeFigures(model);
    const moduleStepsPerSecond = Math.round(median(moduleRates));
    const simulatorStepsPerSecond = Math.round(median(simulatorRates));
    results.push({
      target,
      model: name,
      scheme: model.scheme,
      mode: a.mode,
      inputSize: a.inputSize,
      hiddenSize: a.hiddenSize,
      layers: a.layers,
      outputSize: a.outputSize,
      macsPerStep: fig.macsPerStep + fig.macsPerOutput,
      moduleStepsPerSecond,
      simulatorStepsPerSecond,
      speedup: Math.round((moduleStepsPerSecond / simulatorStepsPerSecond) * 100) / 100,
      rounds,
      roundMs,
      node: process.version,
      loadAverage: Math.round(loadAverage * 100) / 100,
    });
  }
  return results;
}
