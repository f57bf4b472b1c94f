/**
 * `scripts/bench-cmsis-nn.sh CMSIS_NN_DIR`: ARM CMSIS-NN's arm_lstm_unidirectional_s8 and _s16,
 * built from the user's CMSIS-NN checkout, run on the reference models' sizes (S, M, L: the same
 * float weights as `make bench`, scripts/reference-models.ts) with seqforge's own QEMU harness
 * (targets/cortex-m startup, linker script, SysTick read as bench_main.c.hbs reads it), on
 * cortex-m4 (CMSIS-NN's DSP path) and cortex-m55 (its Helium/MVE path). Writes
 * bench/cmsis-nn.json and bench/cmsis-nn.md with the CMSIS-NN commit and the date. Not part of
 * `make bench` or of any test: CMSIS-NN is not in a package registry, so the user provides it.
 *
 * Every count is of a run checked against float64 (scripts/cmsis-nn-model.ts, checkTrace).
 * Counts are INSTRUCTIONS (QEMU -icount), not cycles.
 *
 * Run: node build/scripts/bench-cmsis-nn.js --cmsis-nn DIR [--targets a,b] [--out bench]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { InputError, VerificationError, exitCodeOf } from "../src/errors.js";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { buildProgram, loadTarget, renderHarness, runProgram, mapLimit, readSymbols, readUndefined, type QemuTarget } from "../src/toolchain/index.js";
import { RELEASE_FLAGS, SECTION_FLAGS } from "../src/toolchain/flags.js";
import { runProcess } from "../src/toolchain/process.js";
import { requireTool } from "../src/toolchain/tools.js";
import { parseMapFile, sectionKind, sectionSymbol } from "../src/bench/map-file.js";
import { benchInputs } from "../src/bench/bench-model.js";
import { markdownTable } from "../src/bench/report.js";
import { REFERENCE_MODELS, referenceFloatModel } from "./reference-models.js";
import { CMSIS_KERNELS, checkTrace, cmsisView, floatHiddenTrace, type CmsisKernel } from "./cmsis-nn-model.js";
import { CMSIS_NN_FILE, type CmsisNnBench, type CmsisNnRow } from "./cmsis-reference.js";

/** The same seed and steps as `make bench` (scripts/bench-targets.ts, src/bench/bench-model.ts). */
const SEED = 1;
const STEPS = 32;
const DEFAULT_TARGETS = ["cortex-m4", "cortex-m55"];
const KERNELS: CmsisKernel[] = ["s8", "s16"];
/**
 * How far CMSIS-NN's h may be from float64's: a few steps of its int8 (1/128) or int16 output and
 * its table-interpolated sigmoid and tanh. Far below the h the run reaches (checkTrace), so a
 * kernel given wrong parameters fails it.
 */
const TOLERANCE: Record<CmsisKernel, number> = { s8: 0.03, s16: 0.01 };
/**
 * The CMSIS-NN folders the LSTM kernels draw on (the kernels, their support functions, the int16
 * activations, the element-wise products). Their integer sources go into one archive per target;
 * the linker takes only the members the kernels use.
 */
const SOURCE_DIRS = ["Source/LSTMFunctions", "Source/NNSupportFunctions", "Source/ActivationFunctions", "Source/BasicMathFunctions"];
const FLOAT_SOURCE = /_(f16|f32|flt)\.c$/;
const RUN_TIMEOUT_MS = 120_000;
/** What the counts are (as seqforge's COUNT_NOTE says for its own, with CMSIS-NN's step: one call, no dense head). */
const CMSIS_COUNT_NOTE =
  "Instruction counts: instructions executed per step (one call of the kernel with time_steps = 1) under QEMU `-icount`, read with SysTick; " +
  "not cycles (QEMU does not model pipelines, wait states or memory timing).";

interface Options {
  cmsisDir: string;
  targets: string[];
  outDir: string;
}

function usage(): string {
  return "usage: bench-cmsis-nn.js --cmsis-nn DIR [--targets cortex-m4,cortex-m55] [--out bench]";
}

function parseArgs(argv: string[]): Options {
  let cmsisDir: string | undefined;
  let targets = DEFAULT_TARGETS;
  let outDir = "bench";
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (value === undefined) throw new InputError("command line", argv[i]!, `a value expected after it; ${usage()}`);
    if (argv[i] === "--cmsis-nn") cmsisDir = resolve(value);
    else if (argv[i] === "--targets") targets = value.split(",");
    else if (argv[i] === "--out") outDir = value;
    else throw new InputError("command line", argv[i]!, `unknown option; --cmsis-nn, --targets or --out expected; ${usage()}`);
  }
  if (cmsisDir === undefined) throw new InputError("command line", "", `--cmsis-nn DIR expected; ${usage()}`);
  return { cmsisDir, targets, outDir };
}

/** The checkout's commit, its date and whether it has local changes; refuses a folder that is no CMSIS-NN checkout. */
function describeCheckout(dir: string): CmsisNnBench["cmsisNN"] {
  const header = join(dir, "Include", "arm_nnfunctions.h");
  if (!existsSync(header)) throw new InputError(dir, "Include/arm_nnfunctions.h", "missing; a CMSIS-NN checkout expected (git clone https://github.com/ARM-software/CMSIS-NN)");
  for (const d of SOURCE_DIRS) {
    if (!statSync(join(dir, d), { throwIfNoEntry: false })?.isDirectory()) throw new InputError(dir, d, "missing; a folder of CMSIS-NN's sources expected");
  }
  const git = (...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  let commit: string;
  let top: string;
  try {
    commit = git("rev-parse", "HEAD");
    top = git("rev-parse", "--show-toplevel");
  } catch {
    throw new InputError(dir, "", "not a git checkout; a git checkout of CMSIS-NN expected (the rows name the commit they measured)");
  }
  // A copy inside another repository would be named by that repository's commit.
  if (realpathSync(top) !== realpathSync(dir)) {
    throw new InputError(dir, "", `inside the git repository ${top}, not its own checkout; a git checkout of CMSIS-NN expected (the rows name the commit they measured)`);
  }
  return {
    dir,
    commit,
    commitDate: git("log", "-1", "--format=%cI"),
    localChanges: git("status", "--porcelain", "--untracked-files=no") !== "",
  };
}

function integerSources(dir: string): string[] {
  return SOURCE_DIRS.flatMap((d) =>
    readdirSync(join(dir, d))
      .filter((f) => f.endsWith(".c") && !FLOAT_SOURCE.test(f))
      .sort()
      .map((f) => join(dir, d, f)),
  );
}

/** CMSIS-NN's flags: the target's, -O2 as seqforge's code gets, one section per function; not seqforge's warning set (the code is not seqforge's). */
function cmsisFlags(target: QemuTarget, dir: string): string[] {
  return [...RELEASE_FLAGS, ...target.cflags, ...SECTION_FLAGS, `-I${join(dir, "Include")}`];
}

/** Compiles CMSIS-NN's integer sources for `target` into one archive. */
async function buildArchive(target: QemuTarget, dir: string, workDir: string): Promise<string> {
  const cc = requireTool(target.compiler, target.packages);
  const ar = requireTool(target.compiler.replace(/gcc$/, "ar"), target.packages);
  const objDir = join(workDir, "cmsis-nn-obj");
  mkdirSync(objDir, { recursive: true });
  const sources = integerSources(dir);
  const objects = await mapLimit(sources, 2, async (src) => {
    const obj = join(objDir, basename(src).replace(/\.c$/, ".o"));
    const r = await runProcess(cc, [...cmsisFlags(target, dir), "-c", src, "-o", obj], { timeoutMs: RUN_TIMEOUT_MS });
    if (r.exitCode !== 0) throw new VerificationError(`${target.name}: compiling CMSIS-NN's ${src} failed:\n${(r.stderr + r.stdout).trim().slice(0, 2000)}`);
    return obj;
  });
  const archive = join(workDir, "libcmsis-nn.a");
  const r = await runProcess(ar, ["rcs", archive, ...objects], { timeoutMs: RUN_TIMEOUT_MS });
  if (r.exitCode !== 0) throw new VerificationError(`${target.name}: ${ar} failed: ${r.stderr.trim()}`);
  return archive;
}

interface DriverFigures {
  path: string;
  steps: number;
  stepTicks: number;
  minTicks: number;
  maxTicks: number;
  stackBytes: number;
  stateBytes: number;
  scratchBytes: number;
  trace: number[][];
}

function parseCmsisOutput(stdout: string): DriverFigures {
  const head = /^cmsis path=(\w+) (.*)$/m.exec(stdout);
  if (!head) throw new VerificationError(`the CMSIS-NN bench driver printed no figures; its output was:\n${stdout.slice(0, 2000)}`);
  const v = new Map([...head[2]!.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  const get = (k: string) => {
    const n = v.get(k);
    if (n === undefined) throw new VerificationError(`the CMSIS-NN bench driver's line lacks ${k}: ${head[0]}`);
    return n;
  };
  const trace = [...stdout.matchAll(/^cmsis h=(.*)$/gm)].map((m) => m[1]!.split(",").map(Number));
  return {
    path: head[1]!,
    steps: get("steps"),
    stepTicks: get("step_ticks"),
    minTicks: get("min_ticks"),
    maxTicks: get("max_ticks"),
    stackBytes: get("stack_bytes"),
    stateBytes: get("state_bytes"),
    scratchBytes: get("scratch_bytes"),
    trace,
  };
}

/**
 * Flash of the CMSIS-NN model, from the linker map: its constants (the driver's cmsis_* arrays and
 * parameter struct), CMSIS-NN's code, and what CMSIS-NN uses outside its code (its tables, and the
 * C library routines it calls, e.g. memset), as seqforge's flash counts its own table and routines.
 */
async function flashFigures(target: QemuTarget, mapFile: string, image: string, archive: string) {
  const sections = parseMapFile(readFileSync(mapFile, "utf8"));
  const fromArchive = sections.filter((s) => s.file.startsWith(`${archive}(`));
  const sum = (list: typeof sections, kind: string) => list.filter((s) => sectionKind(s.section) === kind).reduce((a, s) => a + s.size, 0);
  const constBytes = sections
    .filter((s) => !s.file.includes("(") && sectionKind(s.section) === "const" && sectionSymbol(s.section).startsWith("cmsis_"))
    .reduce((a, s) => a + s.size, 0);
  const nm = requireTool(target.nm, target.packages);
  const members = [...new Set(fromArchive.map((s) => /\(([^)]+)\)$/.exec(s.file)![1]!))];
  const symbols = await readSymbols(nm, image);
  const undefinedNames = new Set((await readUndefined(nm, archive)).filter((n) => !fromArchive.some((s) => sectionSymbol(s.section) === n)));
  const routines = new Map<string, { symbol: string; bytes: number }>();
  for (const name of undefinedNames) {
    const sym = symbols.find((s) => s.name === name);
    if (!sym) continue; // needed only by members the link did not take
    const addr = (sym.address & ~1) >>> 0;
    const holder = sections.find((s) => addr >= s.address && addr < s.address + s.size);
    if (!holder || holder.file.startsWith(`${archive}(`) || !holder.file.includes("(")) continue;
    const key = `${holder.file}:${holder.address}`;
    const prev = routines.get(key);
    routines.set(key, { symbol: prev ? `${prev.symbol}, ${name}` : name, bytes: holder.size });
  }
  const libraryBytes = sum(fromArchive, "const") + [...routines.values()].reduce((a, r) => a + r.bytes, 0);
  return {
    constBytes,
    codeBytes: sum(fromArchive, "code"),
    libraryBytes,
    libraryRoutines: [...routines.values()].map((r) => r.symbol).sort(),
    cmsisObjects: members.sort(),
  };
}

async function benchOne(target: QemuTarget, kernel: CmsisKernel, spec: (typeof REFERENCE_MODELS)[number], archive: string, cmsisDir: string, workDir: string): Promise<CmsisNnRow> {
  const model = referenceFloatModel(spec, SEED);
  const inputs = benchInputs(spec.inputSize, STEPS, SEED);
  const dir = join(workDir, `${target.name}-${kernel}-${spec.name}`);
  mkdirSync(dir, { recursive: true });
  const driver = join(dir, "cmsis_nn_bench_main.c");
  writeFileSync(driver, renderHarness("cmsis_nn_bench_main.c.hbs", cmsisView(model, kernel, inputs)));
  const built = await buildProgram({ target: target.name, sources: [driver], includeDirs: [join(cmsisDir, "Include")], outDir: dir, libraries: [archive] });
  const run = await runProgram({ target: target.name, executable: built.executable, args: [], cwd: dir, timeoutMs: RUN_TIMEOUT_MS });
  if (run.timedOut || run.exitCode !== 0) {
    throw new VerificationError(`${target.name}: CMSIS-NN ${kernel} ${spec.name} ${run.timedOut ? "did not finish" : `exited with ${run.exitCode}`}:\n${(run.stdout + run.stderr).trim().slice(0, 2000)}`);
  }
  const figures = parseCmsisOutput(run.stdout);
  const check = checkTrace(kernel, figures.trace, floatHiddenTrace(model, inputs), TOLERANCE[kernel]);
  if (check.problems.length > 0) {
    throw new VerificationError(`${target.name}: CMSIS-NN ${kernel} on model ${spec.name} did not compute the reference LSTM: ${check.problems.join("; ")}`);
  }
  const flash = await flashFigures(target, built.mapFile!, built.executable, resolve(archive));
  const f = target.counter.instructionsPerTick;
  const macs = 4 * spec.hiddenSize * (spec.inputSize + spec.hiddenSize);
  const perStep = Math.round((figures.stepTicks * f) / figures.steps);
  return {
    target: target.name,
    kernel,
    function: CMSIS_KERNELS[kernel].fn,
    path: figures.path,
    model: spec.name,
    inputSize: spec.inputSize,
    hiddenSize: spec.hiddenSize,
    instructionsPerStep: perStep,
    minInstructionsPerStep: Math.round(figures.minTicks * f),
    maxInstructionsPerStep: Math.round(figures.maxTicks * f),
    macsPerStep: macs,
    instructionsPerMac: Math.round((perStep / macs) * 100) / 100,
    flashBytes: flash.constBytes + flash.codeBytes + flash.libraryBytes,
    ...flash,
    ramBytes: figures.stateBytes + figures.scratchBytes,
    stateBytes: figures.stateBytes,
    scratchBytes: figures.scratchBytes,
    stackBytes: figures.stackBytes,
    maxAbsErrorH: Math.round(check.maxAbsError * 1e5) / 1e5,
    maxAbsH: Math.round(check.maxAbsHidden * 1e4) / 1e4,
    steps: figures.steps,
    instructionsPerTick: f,
  };
}

function toolVersion(cmd: string): string {
  try {
    return execFileSync(cmd, ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim();
  } catch {
    return "(not found)";
  }
}

export function cmsisMarkdown(bench: CmsisNnBench): string {
  const n = (v: number) => v.toLocaleString("en-US");
  const c = bench.cmsisNN;
  return [
    "# ARM CMSIS-NN's LSTM on the reference models, under seqforge's QEMU harness",
    "",
    bench.meta.countMethod,
    "",
    `CMSIS-NN ${c.commit}${c.localChanges ? " (with local changes)" : ""}, committed ${c.commitDate}; measured ${bench.meta.date} by \`scripts/bench-cmsis-nn.sh\`. ` +
      `Built with ${bench.meta.cmsisFlags}; ${bench.meta.compiler}; ${bench.meta.qemu}.`,
    "",
    "The reference models' float weights (seed 1, as `make bench`), one LSTM layer, batch 1, stream: one call per step, the cell and hidden state kept " +
      "in the context's buffers between calls. Weights int8, one scale per gate matrix; gates int16; cell int16 (Q4.11); x and h int8 (`_s8`) or int16 (`_s16`); " +
      "zero points 0. A step is the LSTM layer alone (no dense head: CMSIS-NN's LSTM has none), the call's own overhead and its copy of h included. " +
      "Every run's h after each of its steps is checked against float64 (max error in the table). Flash = constants (weights, biases, parameters) + " +
      "CMSIS-NN's code + its tables and the C library routines it calls; RAM = state (cell + h) + scratch (two int16 gate buffers + the output); stack by painting.",
    "",
    markdownTable(
      ["target", "kernel", "path", "model", "instructions/step", "min–max", "MACs/step", "instr/MAC", "flash B (const+code+library)", "RAM B (state+scratch)", "stack B", "max error of h against float64"],
      bench.results.map((r) => [
        r.target, r.function, r.path, `${r.model} (${r.inputSize}→${r.hiddenSize})`, n(r.instructionsPerStep),
        `${n(r.minInstructionsPerStep)}–${n(r.maxInstructionsPerStep)}`, n(r.macsPerStep), r.instructionsPerMac.toFixed(2),
        `${n(r.flashBytes)} (${n(r.constBytes)}+${n(r.codeBytes)}+${n(r.libraryBytes)})`, `${n(r.ramBytes)} (${r.stateBytes}+${r.scratchBytes})`,
        n(r.stackBytes), r.maxAbsErrorH.toFixed(4),
      ]),
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const checkout = describeCheckout(opts.cmsisDir);
  const targets = opts.targets.map((t) => loadTarget(t));
  for (const t of targets) {
    if (t.kind !== "qemu" || !t.core.startsWith("cortex-m")) throw new InputError("--targets", t.name, "a Cortex-M target run under QEMU expected (CMSIS-NN is Arm code)");
  }
  const workDir = mkdtempSync(join(tmpdir(), "seqforge-cmsis-nn-"));
  const results: CmsisNnRow[] = [];
  try {
    for (const target of targets as QemuTarget[]) {
      process.stderr.write(`${target.name}: compiling CMSIS-NN (${integerSources(opts.cmsisDir).length} integer sources)…\n`);
      const tdir = join(workDir, target.name);
      const archive = await buildArchive(target, opts.cmsisDir, tdir);
      const jobs = KERNELS.flatMap((kernel) => REFERENCE_MODELS.map((spec) => ({ kernel, spec })));
      const rows = await mapLimit(jobs, 2, async ({ kernel, spec }) => {
        process.stderr.write(`${target.name}: CMSIS-NN ${kernel} on model ${spec.name}…\n`);
        return benchOne(target, kernel, spec, archive, opts.cmsisDir, tdir);
      });
      results.push(...rows);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const described = targets as QemuTarget[];
  const bench: CmsisNnBench = {
    meta: {
      date: new Date().toISOString().slice(0, 10),
      script: "scripts/bench-cmsis-nn.sh",
      compiler: [...new Set(described.map((t) => toolVersion(t.compiler)))].join("; "),
      qemu: [...new Set(described.map((t) => toolVersion(t.qemu.binary)))].join("; "),
      cmsisFlags: `${RELEASE_FLAGS.join(" ")} ${SECTION_FLAGS.join(" ")} and the target's -mcpu flags (targets/<name>.json)`,
      seed: SEED,
      countMethod: CMSIS_COUNT_NOTE,
    },
    cmsisNN: { ...checkout, dir: basename(checkout.dir) },
    results,
  };
  const md = cmsisMarkdown(bench) + "\n";
  writeFileAtomic(join(opts.outDir, CMSIS_NN_FILE), JSON.stringify(bench, null, 2) + "\n");
  writeFileAtomic(join(opts.outDir, CMSIS_NN_FILE.replace(/\.json$/, ".md")), md);
  process.stdout.write(md);
  process.stderr.write(`wrote ${join(opts.outDir, CMSIS_NN_FILE)} and ${join(opts.outDir, CMSIS_NN_FILE.replace(/\.json$/, ".md"))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-cmsis-nn: ${(err as Error).message}\n`);
  process.exitCode = exitCodeOf(err) || 1;
});
