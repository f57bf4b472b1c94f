#!/usr/bin/env node
/**
 * Flash of one and of two seqforge models linked into one image of a QEMU target.
 *
 *   make flash-two-models   (node build/scripts/flash-two-models.js [--target cortex-m4] [--work DIR] [--json])
 *
 * Two different integer models, the bench's reference models (scripts/reference-models.ts:
 * one standard LSTM layer, seeded random weights, stream mode): M (8 inputs, 32 units) in w8a16
 * and S (3 inputs, 16 units) in w8a8. Three images are built with the target's compiler and
 * flags (-O2, one section per function and object, --gc-sections): a driver with M alone, with S
 * alone, and with both. Each image runs under QEMU, and every model's outputs after 8 steps must
 * equal the TypeScript simulator's, so the flash is that of code that computes the right thing.
 *
 * Flash is read from the linker map, section by section: everything that came from the
 * generated C files (the models' weights and code, and the runtime's table where the generator
 * writes one), plus the C library routines they call. The same script runs on a checkout of an
 * older seqforge (it compiles every .c file the generator writes, whatever their names), which
 * is how the per-model-table figure was measured (see README.md).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { attributeSizes } from "../src/bench/attribute.js";
import { benchInputs } from "../src/bench/bench-model.js";
import { parseMapFile } from "../src/bench/map-file.js";
import { REFERENCE_MODELS, referenceQuantModel } from "./reference-models.js";
import { generateC } from "../src/codegen/generate.js";
import { quantizeInputs, Simulator, type QuantModel } from "../src/quant/index.js";
import { buildProgram, loadTarget, offsetWeightsOf, readSymbols, readUndefined, runProgram, type BuildResult } from "../src/toolchain/index.js";
import type { SymbolSize } from "../src/toolchain/size.js";
import { requireTool } from "../src/toolchain/tools.js";

const { values: flags } = parseArgs({
  options: { target: { type: "string", default: "cortex-m4" }, work: { type: "string" }, json: { type: "boolean", default: false } },
});
const targetName = flags.target;
const target = loadTarget(targetName);
if (target.kind !== "qemu") throw new Error(`${targetName}: choose a QEMU target (the images run under QEMU)`);
const qemuTarget = target;
const work = resolve(flags.work ?? join(tmpdir(), "seqforge-flash-two-models"));
rmSync(work, { recursive: true, force: true });
const STEPS = 8;

interface LinkedModel {
  prefix: string;
  label: string;
  model: QuantModel;
  /** Quantized inputs, one per step. */
  inputs: Int32Array[];
}

function referenceModel(name: string, scheme: "w8a16" | "w8a8", prefix: string, seed: number): LinkedModel {
  const spec = REFERENCE_MODELS.find((s) => s.name === name)!;
  const model = referenceQuantModel(spec, { scheme });
  const inputs = quantizeInputs(model, benchInputs(model.architecture.inputSize, STEPS, seed));
  return { prefix, label: `${name} ${spec.inputSize}→${spec.hiddenSize} ${scheme}`, model, inputs };
}
const MODELS = [referenceModel("M", "w8a16", "ref_m", 1), referenceModel("S", "w8a8", "ref_s", 2)];

/** A driver that steps every model from reset through its inputs and prints its last output. */
function mainSource(ms: LinkedModel[]): string {
  const blocks = ms.map((m) => {
    const P = m.prefix.toUpperCase();
    return `    {
        static ${m.prefix}_state_t state;
        static const ${m.prefix}_in_t x[${STEPS}][${P}_INPUT_SIZE] = {
${m.inputs.map((r) => `            { ${Array.from(r).join(", ")} },`).join("\n")}
        };
        ${m.prefix}_out_t y[${P}_OUTPUT_SIZE];
        unsigned t;
        unsigned k;
        ${m.prefix}_reset(&state);
        for (t = 0; t < ${STEPS}u; t++) {
            ${m.prefix}_step(&state, x[t]);
        }
        ${m.prefix}_output(&state, y);
        printf("${m.prefix}");
        for (k = 0; k < ${P}_OUTPUT_SIZE; k++) {
            printf(" %ld", (long)y[k]);
        }
        printf("\\n");
    }`;
  });
  return `#include <stdio.h>
${ms.map((m) => `#include "${m.prefix}.h"`).join("\n")}

int main(void)
{
${blocks.join("\n")}
    return 0;
}
`;
}

interface Measured {
  name: string;
  sources: string[];
  built: BuildResult;
  generatedObjects: string[];
  undefinedSymbols: string[];
  imageSymbols: SymbolSize[];
}

async function measure(name: string, ms: LinkedModel[]): Promise<Measured> {
  const dir = join(work, name);
  const cDir = join(dir, "c");
  mkdirSync(cDir, { recursive: true });
  // Every model into one folder, as a firmware would hold them; each .c file compiled once.
  const sources: string[] = [];
  for (const m of ms) {
    for (const f of generateC(m.model, { prefix: m.prefix, target: targetName, floatIo: false, offsetWeights: offsetWeightsOf(targetName) })) {
      writeFileSync(join(cDir, f.name), f.content);
      if (f.name.endsWith(".c") && !sources.includes(f.name)) sources.push(f.name);
    }
  }
  const driver = join(dir, "main.c");
  writeFileSync(driver, mainSource(ms));
  const built = await buildProgram({ target: targetName, sources: [...sources.map((s) => join(cDir, s)), driver], includeDirs: [cDir], outDir: join(dir, "build") });

  const res = await runProgram({ target: targetName, executable: built.executable, args: [], cwd: dir, timeoutMs: 120_000 });
  if (res.exitCode !== 0) throw new Error(`${name}: the image exited with ${res.exitCode}: ${res.stdout}${res.stderr}`);
  for (const m of ms) {
    const line = res.stdout.split("\n").find((l) => l.startsWith(`${m.prefix} `));
    const fromC = line?.trim().split(" ").slice(1).map(Number);
    const sim = new Simulator(m.model);
    let y: Int32Array = new Int32Array(0);
    for (const x of m.inputs) y = sim.step(x);
    const fromSim = Array.from(y);
    if (JSON.stringify(fromC) !== JSON.stringify(fromSim)) throw new Error(`${name}: ${m.prefix} computed ${JSON.stringify(fromC)}, the simulator ${JSON.stringify(fromSim)}`);
  }

  const nm = requireTool(qemuTarget.nm, qemuTarget.packages);
  const generatedObjects = (built.objects ?? []).slice(0, sources.length);
  const undefinedSymbols = [...new Set((await Promise.all(generatedObjects.map((o) => readUndefined(nm, o)))).flat())];
  const imageSymbols = await readSymbols(nm, built.executable);
  return { name, sources, built, generatedObjects, undefinedSymbols, imageSymbols };
}

/** Flash from the generated objects (const + code) and the library routines they call, from the map. */
function flashOf(r: Measured) {
  const sections = parseMapFile(readFileSync(r.built.mapFile!, "utf8"));
  // attributeSizes wants a state object to check; the images' states are local statics of main,
  // so give it the first .bss section of the driver and ignore its stateBytes.
  const driverBss = sections.find((s) => s.file.endsWith("main.o") && /^\.bss\./.test(s.section));
  const a = attributeSizes({
    sections,
    modelObjects: r.generatedObjects,
    undefinedSymbols: r.undefinedSymbols,
    imageSymbols: r.imageSymbols,
    stateSymbol: driverBss!.section.replace(/^\.bss\./, ""),
  });
  const tables = r.imageSymbols.filter((s) => /tanh_table/.test(s.name)).map((s) => `${s.name} (${s.size} B)`);
  return {
    image: r.name,
    sources: r.sources,
    constBytes: a.constBytes,
    codeBytes: a.codeBytes,
    libraryBytes: a.libraryBytes,
    libraryRoutines: a.library.map((l) => l.symbol),
    flashBytes: a.constBytes + a.codeBytes + a.libraryBytes,
    imageTextBytes: r.built.sizes!.text + r.built.sizes!.data, // a QEMU build: binutils size always ran
    tables,
  };
}

const configs: [string, LinkedModel[]][] = [
  ["M alone", [MODELS[0]!]],
  ["S alone", [MODELS[1]!]],
  ["M + S", MODELS],
];
const rows: ReturnType<typeof flashOf>[] = [];
for (const [name, ms] of configs) rows.push({ ...flashOf(await measure(name.replace(/\W+/g, "-"), ms)), image: name });

if (flags.json) {
  process.stdout.write(JSON.stringify({ target: targetName, rows }, null, 2) + "\n");
} else {
  const n = (v: number) => v.toLocaleString("en-US");
  console.log(`${targetName}, -O2, outputs checked against the simulator; flash of the generated C (const + code) and the library routines it calls, from the linker map:`);
  console.log("");
  console.log("| image | generated .c files | flash B (const + code + library) | whole image text+data B | tanh tables in the image |");
  console.log("| --- | --- | ---: | ---: | --- |");
  for (const r of rows) {
    console.log(`| ${r.image} | ${r.sources.join(", ")} | ${n(r.flashBytes)} (${n(r.constBytes)} + ${n(r.codeBytes)} + ${n(r.libraryBytes)}) | ${n(r.imageTextBytes)} | ${r.tables.join(", ")} |`);
  }
  const [m, s, both] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  console.log("");
  console.log(`M + S costs ${n(both.flashBytes)} bytes; M alone + S alone would be ${n(m.flashBytes + s.flashBytes)}: ${n(m.flashBytes + s.flashBytes - both.flashBytes)} bytes shared.`);
}
