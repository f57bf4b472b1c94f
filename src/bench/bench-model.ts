/**
 * `seqforge bench` for one quantized model: generate its C (src/codegen), build it with the bench
 * driver for each QEMU target, run it under QEMU (two at a time), and collect instruction
 * counts (INSTRUCTIONS, not cycles), flash and RAM. The inputs are seeded random normalised
 * values quantized as the C expects; the last output must equal the TypeScript simulator's (bit
 * for bit; f32 within 1e-4), so every figure comes from code that computed the right thing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VerificationError } from "../errors.js";
import { cSources, generateC } from "../codegen/generate.js";
import { sizeFigures } from "../codegen/figures.js";
import { f32Engine } from "../quant/f32-engine.js";
import { quantizeInputs, Simulator, type QuantModel } from "../quant/index.js";
import { loadTarget, mapLimit, offsetWeightsOf } from "../toolchain/index.js";
import { DEFAULT_OPTIMIZE, type Optimize } from "../util/optimize.js";
import { checkConstArrays, declaredConstArrays, type ConstCheck } from "./const-arrays.js";
import { parseHeaderFigures, type HeaderFigures } from "./header-figures.js";
import { measureOnTarget, writeDriver, type BenchProgram, type TargetMeasurement } from "./measure.js";
import { BenchRandom } from "./random.js";

export interface ModelBenchOptions {
  model: QuantModel;
  /** C prefix of the generated code, and the model's name in the results. */
  name: string;
  targets: string[];
  /** Generate and build for speed (-O2) or size (-Os); default: each target's (targets/<name>.json `optimize`). */
  optimize?: Optimize;
  workDir: string;
  /** Steps measured (from a reset state); 32 by default. */
  steps?: number;
  seed?: number;
  /** QEMU jobs at a time; 2 by default (the machine has two cores). */
  parallel?: number;
  onProgress?: (message: string) => void;
}

/** One row of `seqforge bench --json`: one target and one model. */
export interface BenchResult {
  target: string;
  model: string;
  /** What the C was generated and built for: speed (-O2, unrolled kernels) or size (-Os, compact). */
  optimize: Optimize;
  scheme: string;
  mode: string;
  inputSize: number;
  hiddenSize: number;
  layers: number;
  outputSize: number;
  /** Mean instructions of one step + output over the measured steps (QEMU -icount; not cycles). */
  instructionsPerStep: number;
  minInstructionsPerStep: number;
  maxInstructionsPerStep: number;
  stepInstructions: number;
  outputInstructions: number;
  /** MACs of one step + output (every layer and the head). */
  macsPerStep: number;
  instructionsPerMac: number;
  /** Window mode: instructions of one prediction (a full window of steps + output); null when
   *  it took longer than one pair of counter reads can time (sf_counter_wrapped: 2^24 SysTick ticks). */
  instructionsPerPrediction: number | null;
  predictionTooLong: boolean;
  /**
   * constBytes + codeBytes + libraryBytes: everything the model puts in flash, the C library
   * routines it pulls in included (as CMSIS-NN's figures include its kernels). The figure the
   * size goal is checked against.
   */
  flashBytes: number;
  /** Weights, biases, multipliers (.rodata of the model's object). */
  constBytes: number;
  /** The model's functions (.text of its object). */
  codeBytes: number;
  /** What the model uses outside its object, once per image: the seqforge runtime's nonlinearity table (integer schemes) and C library routines (e.g. libgcc's 64-bit multiply on Cortex-M0, memcpy); in flashBytes. */
  libraryBytes: number;
  /** Their names (one entry per section: seqforge_tanh_table, library routines sharing a section joined by ", "). */
  libraryRoutines: string[];
  /** stateBytes + scratchBytes. */
  ramBytes: number;
  /** sizeof(PREFIX_state_t), as placed by the linker. */
  stateBytes: number;
  /** The step's scratch (on the stack, inside stackBytes), as the generator states it. */
  scratchBytes: number;
  /** Window mode: sizeof(PREFIX_window_t), the ring buffer; else 0. */
  windowBytes: number;
  /** Deepest stack of one step + output, measured by stack painting. */
  stackBytes: number;
  /** Deepest stack of one step alone (its scratch included: the scratch lives in step's frame). */
  stepStackBytes: number;
  /**
   * What one step needs in RAM: the state + the deepest stack of the step (= state + scratch +
   * the rest of the step's stack; the scratch is counted once, inside the stack).
   */
  stepRamBytes: number;
  /** Declared constant arrays the compiler folded into code (one-element arrays): in the header's flash figure, not in constBytes. */
  foldedConstBytes: number;
  /** The header's stated figures, and whether the linker map agrees with them (headerAgrees), with the reasons when not. */
  header: HeaderFigures;
  headerAgrees: boolean;
  headerDisagreements: string[];
  instructionsPerTick: number;
  steps: number;
}

export async function benchModel(opts: ModelBenchOptions): Promise<BenchResult[]> {
  // The C differs with the optimisation (SEQFORGE_OPTIMIZE_SIZE in NAME.c) and the weights'
  // representation (the target's offsetWeights): one generation per pair the targets ask for,
  // results in the order of opts.targets.
  const levelOf = (t: string): Optimize => {
    const d = loadTarget(t);
    return opts.optimize ?? ("optimize" in d ? d.optimize : undefined) ?? DEFAULT_OPTIMIZE;
  };
  const generationOf = (t: string) => `${levelOf(t)}${offsetWeightsOf(t) ? "-offset" : ""}`;
  const results: BenchResult[] = [];
  for (const generation of [...new Set(opts.targets.map(generationOf))]) {
    const targets = opts.targets.filter((t) => generationOf(t) === generation);
    results.push(...(await benchModelAt(opts, levelOf(targets[0]!), offsetWeightsOf(targets[0]!), targets, join(opts.workDir, generation))));
  }
  return opts.targets.map((t) => results.find((r) => r.target === t)!);
}

async function benchModelAt(opts: ModelBenchOptions, optimize: Optimize, offsetWeights: boolean, targetNames: string[], workDir: string): Promise<BenchResult[]> {
  const { model, name } = opts;
  const steps = opts.steps ?? 32;
  const integer = model.scheme !== "f32";
  const modelDir = join(workDir, "model");
  mkdirSync(modelDir, { recursive: true });
  const files = generateC(model, { prefix: name, target: targetNames.join(","), floatIo: false, optimize, offsetWeights });
  for (const f of files) writeFileSync(join(modelDir, f.name), f.content);
  const header = parseHeaderFigures(files.find((f) => f.name === `${name}.h`)!.content, name);
  const declared = declaredConstArrays(files.find((f) => f.name === `${name}.c`)!.content);
  const figures = sizeFigures(model);

  const normalised = benchInputs(model.architecture.inputSize, steps, opts.seed ?? 1);
  const inputs = integer ? quantizeInputs(model, normalised) : normalised.map((r) => r.map(Math.fround));
  const expected = expectedLastOutput(model, inputs);
  const program: BenchProgram = {
    prefix: name,
    header: `${name}.h`,
    inputs,
    float: !integer,
    window: model.architecture.mode === "window",
    sources: cSources(files).model.map((f) => join(modelDir, f)),
    runtimeSources: cSources(files).runtime.map((f) => join(modelDir, f)),
    includeDirs: [modelDir],
  };
  const driver = writeDriver(program, workDir);

  return mapLimit(targetNames, opts.parallel ?? 2, async (target) => {
    opts.onProgress?.(`bench ${name} on ${target} (${optimize})…`);
    const m = await measureOnTarget(program, driver, target, join(workDir, "targets"), optimize);
    checkOutputs(m, expected, integer, name);
    const constCheck = checkConstArrays(declared, m.sizes.symbols.filter((s) => s.kind === "const"));
    return toResult(model, name, optimize, m, header, figures.scratchBytes, constCheck);
  });
}

/** Normalised inputs: standard normal values, as a normalised sensor series would be. */
export function benchInputs(inputSize: number, steps: number, seed: number): Float64Array[] {
  const rng = new BenchRandom(seed);
  return Array.from({ length: steps }, () => Float64Array.from({ length: inputSize }, () => rng.normal()));
}

function expectedLastOutput(model: QuantModel, inputs: ArrayLike<number>[]): number[] {
  // The bench steps without a reset, as a stream does: the output after the last step.
  if (model.scheme !== "f32") {
    const sim = new Simulator(model);
    let yq: Int32Array = new Int32Array(0);
    for (const x of inputs) yq = sim.step(x);
    return Array.from(yq);
  }
  const engine = f32Engine(model);
  engine.reset();
  let y: Float64Array = new Float64Array(0);
  for (const x of inputs) y = engine.step(Float64Array.from(x));
  return Array.from(y);
}

function checkOutputs(m: TargetMeasurement, expected: number[], integer: boolean, name: string): void {
  const ok =
    m.raw.y.length === expected.length &&
    m.raw.y.every((v, i) => (integer ? v === expected[i] : Math.abs(v - expected[i]!) <= 1e-4));
  if (!ok) {
    throw new VerificationError(
      `${m.target}: the benched ${name} computed y = [${m.raw.y.join(", ")}] after ${m.steps} steps; the simulator says [${expected.join(", ")}]`,
    );
  }
}

function toResult(
  model: QuantModel,
  name: string,
  optimize: Optimize,
  m: TargetMeasurement,
  header: HeaderFigures,
  scratchBytes: number,
  constCheck: ConstCheck,
): BenchResult {
  const a = model.architecture;
  const macs = header.macsPerStep + header.macsPerOutput;
  const windowBytes = m.raw.windowBytes ?? 0;
  const disagreements = headerDisagreements(header, m, windowBytes, scratchBytes, constCheck);
  return {
    target: m.target,
    model: name,
    optimize,
    scheme: model.scheme,
    mode: a.mode,
    inputSize: a.inputSize,
    hiddenSize: a.hiddenSize,
    layers: a.layers,
    outputSize: a.outputSize,
    instructionsPerStep: m.instructionsPerStep,
    minInstructionsPerStep: m.minInstructionsPerStep,
    maxInstructionsPerStep: m.maxInstructionsPerStep,
    stepInstructions: m.stepInstructions,
    outputInstructions: m.outputInstructions,
    macsPerStep: macs,
    instructionsPerMac: Math.round((m.instructionsPerStep / macs) * 100) / 100,
    instructionsPerPrediction: m.instructionsPerPrediction,
    predictionTooLong: m.raw.predictWrapped,
    flashBytes: m.sizes.constBytes + m.sizes.codeBytes + m.sizes.libraryBytes,
    constBytes: m.sizes.constBytes,
    codeBytes: m.sizes.codeBytes,
    libraryBytes: m.sizes.libraryBytes,
    libraryRoutines: m.sizes.library.map((l) => l.symbol),
    ramBytes: m.sizes.stateBytes + scratchBytes,
    stateBytes: m.sizes.stateBytes,
    scratchBytes,
    windowBytes,
    stackBytes: m.stackBytes,
    stepStackBytes: m.stepStackBytes,
    stepRamBytes: m.sizes.stateBytes + m.stepStackBytes,
    foldedConstBytes: constCheck.folded.reduce((n, f) => n + f.bytes, 0),
    header,
    headerAgrees: disagreements.length === 0,
    headerDisagreements: disagreements,
    instructionsPerTick: m.instructionsPerTick,
    steps: m.steps,
  };
}

/**
 * The header's figures against the image. Flash: the header's constant data equals the arrays the
 * source declares, and each array the map places has its declared size (arrays the compiler
 * folded into code are absent from the map; they are counted in foldedConstBytes). State and
 * window: the objects the linker placed. No static RAM in the model, and the stated scratch
 * fits in the stack the step was measured to use.
 */
export function headerDisagreements(header: HeaderFigures, m: TargetMeasurement, windowBytes: number, scratchBytes: number, c: ConstCheck): string[] {
  const out = [...c.mismatches];
  const folded = c.folded.reduce((n, f) => n + f.bytes, 0);
  if (header.flashBytes !== c.declaredBytes) out.push(`FLASH_BYTES ${header.flashBytes}, the source declares ${c.declaredBytes} bytes of constant arrays`);
  if (m.sizes.constBytes + folded !== header.flashBytes) {
    out.push(`FLASH_BYTES ${header.flashBytes}, the map places ${m.sizes.constBytes} bytes of constant data (+ ${folded} folded into code)`);
  }
  if (header.stateBytes !== m.sizes.stateBytes) out.push(`STATE_BYTES ${header.stateBytes}, the map places ${m.sizes.stateBytes}`);
  if (header.ramBytes !== m.sizes.stateBytes + scratchBytes) out.push(`RAM_BYTES ${header.ramBytes}, state ${m.sizes.stateBytes} + scratch ${scratchBytes}`);
  if ((header.windowBytes ?? 0) !== windowBytes) out.push(`WINDOW_BYTES ${header.windowBytes ?? 0}, sizeof the window ${windowBytes}`);
  if (m.sizes.staticRamBytes !== 0) out.push(`the model holds ${m.sizes.staticRamBytes} bytes of static RAM`);
  if (scratchBytes > m.stackBytes) out.push(`scratch ${scratchBytes} bytes, but the step used only ${m.stackBytes} bytes of stack`);
  return out;
}
