/**
 * One nonlinearity table per firmware image: two integer models generated into one folder link
 * into one program (host gcc, the strict flags) with exactly one table symbol, the runtime's,
 * and each still computes its simulator's outputs bit for bit. The runtime files are the same
 * bytes whatever the model, and a runtime header and source of different versions stop the build.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { cSources, generateC, RUNTIME_HEADER, RUNTIME_SOURCE, type GeneratedFile } from "../../src/codegen/generate.js";
import type { QuantModel } from "../../src/model/quant-model-file.js";
import { Simulator } from "../../src/quant/simulator.js";
import { Draw, randomInputs, seededRandom } from "../../src/verify/random-quant-model.js";
import { fixtureModel } from "./fixtures.js";

const run = promisify(execFile);
const STRICT = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror", "-O2"];
const work = mkdtempSync(join(tmpdir(), "seqforge-two-models-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Member {
  prefix: string;
  model: QuantModel;
  inputs: number[][];
}

/** Two different integer models: other schemes, sizes, cells, run modes and output counts. */
function members(): Member[] {
  const a = fixtureModel({ scheme: "w8a16", inputSize: 3, hidden: 6, mode: "stream", seed: 5 });
  const b = fixtureModel({ scheme: "w8a8", cell: "seed", inputSize: 4, hidden: 5, layers: 2, outputs: 2, mode: "window", seed: 6 });
  const d = new Draw(seededRandom(7));
  return [
    { prefix: "alpha", model: a, inputs: randomInputs(d, 12, 3, 16) },
    { prefix: "beta", model: b, inputs: randomInputs(d, 12, 4, 8) },
  ];
}

/** Every model steps from a reset state through its inputs, printing `prefix t y0 y1 ...` per step. */
function mainSource(ms: Member[]): string {
  const P = (m: Member) => m.prefix.toUpperCase();
  const data = ms
    .map((m) => `static const ${m.prefix}_in_t ${m.prefix}_x[${m.inputs.length}][${P(m)}_INPUT_SIZE] = {\n${m.inputs.map((r) => `    { ${r.join(", ")} },`).join("\n")}\n};`)
    .join("\n");
  const runs = ms
    .map(
      (m) => `    {
        static ${m.prefix}_state_t state;
        ${m.prefix}_out_t y[${P(m)}_OUTPUT_SIZE];
        ${m.prefix}_reset(&state);
        for (t = 0; t < ${m.inputs.length}; t++) {
            ${m.prefix}_step(&state, ${m.prefix}_x[t]);
            ${m.prefix}_output(&state, y);
            printf("${m.prefix} %d", t);
            for (k = 0; k < ${P(m)}_OUTPUT_SIZE; k++) {
                printf(" %d", (int)y[k]);
            }
            printf("\\n");
        }
    }`,
    )
    .join("\n");
  return `#include <stdio.h>
${ms.map((m) => `#include "${m.prefix}.h"`).join("\n")}

${data}

int main(void)
{
    int t;
    int k;
${runs}
    return 0;
}
`;
}

function write(dir: string, files: GeneratedFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.name), f.content);
}

describe("two models in one program (host gcc)", () => {
  it("link with one table, the runtime's, and each gives its simulator's outputs", { timeout: 60_000 }, async () => {
    const ms = members();
    const dir = join(work, "one-folder");
    const sources: string[] = [];
    for (const m of ms) {
      const files = generateC(m.model, { prefix: m.prefix, target: "host", floatIo: false });
      write(dir, files);
      const c = cSources(files);
      expect(c.runtime).toEqual([RUNTIME_SOURCE]);
      for (const s of [...c.model, ...c.runtime]) if (!sources.includes(s)) sources.push(s);
    }
    expect(sources).toEqual(["alpha.c", RUNTIME_SOURCE, "beta.c"]);
    writeFileSync(join(dir, "main.c"), mainSource(ms));
    const app = join(dir, "app");
    await run("gcc", [...STRICT, "-I", dir, ...sources.map((s) => join(dir, s)), join(dir, "main.c"), "-o", app]);

    // Every symbol of the image with "tanh_table" in its name, local ones included.
    const { stdout: symbols } = await run("nm", [app]);
    const tables = symbols.split("\n").filter((l) => /tanh_table/.test(l)).map((l) => l.trim().split(/\s+/).slice(-2).join(" "));
    expect(tables).toEqual(["R seqforge_tanh_table"]);

    const { stdout } = await run(app);
    const lines = stdout.trim().split("\n");
    for (const m of ms) {
      const fromC = lines.filter((l) => l.startsWith(`${m.prefix} `)).map((l) => l.split(" ").slice(2).map(Number));
      const sim = new Simulator(m.model);
      const fromSim = m.inputs.map((x) => Array.from(sim.step(x)));
      expect(fromC, m.prefix).toEqual(fromSim);
      expect(fromC.length).toBe(m.inputs.length);
    }
  });

  it("the runtime compiled in twice is a duplicate definition: one per image is what links", { timeout: 30_000 }, async () => {
    // The control of the test above: a table per model folder would not link silently twice.
    const dir = join(work, "one-folder");
    const twice = join(work, "runtime-copy.c");
    writeFileSync(twice, readFileSync(join(dir, RUNTIME_SOURCE), "utf8"));
    const link = run("gcc", [...STRICT, "-I", dir, join(dir, "alpha.c"), join(dir, "beta.c"), join(dir, RUNTIME_SOURCE), twice, join(dir, "main.c"), "-o", join(work, "dup")]);
    await expect(link).rejects.toThrow(/multiple definition of [`']seqforge_tanh_table'/);
  });
});

describe("the runtime files", () => {
  it("are the same bytes whatever the model, scheme, name, target or float helpers", () => {
    const runtimeOf = (files: GeneratedFile[]) => files.filter((f) => f.name === RUNTIME_HEADER || f.name === RUNTIME_SOURCE);
    const first = runtimeOf(generateC(members()[0]!.model, { prefix: "alpha", target: "host", floatIo: false }));
    expect(first.map((f) => f.name)).toEqual([RUNTIME_HEADER, RUNTIME_SOURCE]);
    let compared = 0;
    for (const scheme of ["w8a16", "w16a16", "w8a8"] as const) {
      for (const [i, mode] of (["window", "stream"] as const).entries()) {
        const model = fixtureModel({ scheme, mode, inputSize: 2 + i, hidden: 3 + 2 * i, layers: 1 + i, seed: 10 + i });
        const files = generateC(model, { prefix: `m_${scheme}_${mode}`, target: i ? "cortex-m0" : "cortex-m55", floatIo: i === 1 });
        expect(runtimeOf(files)).toEqual(first);
        compared++;
      }
    }
    expect(compared).toBe(6);
    // f32 models have no runtime: they call the C library's tanhf and expf.
    expect(runtimeOf(generateC(fixtureModel({ scheme: "f32" }), { prefix: "f", target: "host", floatIo: false }))).toEqual([]);
  });

  it("refuse to build when the header and the runtime source are of different versions", { timeout: 30_000 }, async () => {
    const files = generateC(members()[0]!.model, { prefix: "alpha", target: "host", floatIo: false });
    const header = files.find((f) => f.name === RUNTIME_HEADER)!.content;
    const version = /#define SEQFORGE_RUNTIME_VERSION (\d+)/.exec(header)![1]!;
    const dir = join(work, "mixed");
    write(dir, files);
    // Same versions: both the runtime and the model compile (the control).
    await run("gcc", [...STRICT, "-I", dir, "-c", join(dir, RUNTIME_SOURCE), "-o", join(dir, "rt.o")]);
    // A header from another version beside them: each one's #error names the mismatch.
    writeFileSync(join(dir, RUNTIME_HEADER), header.replace(`#define SEQFORGE_RUNTIME_VERSION ${version}`, `#define SEQFORGE_RUNTIME_VERSION ${Number(version) + 1}`));
    await expect(run("gcc", [...STRICT, "-I", dir, "-c", join(dir, RUNTIME_SOURCE), "-o", join(dir, "rt2.o")])).rejects.toThrow(
      /seqforge_runtime\.h and seqforge_runtime\.c come from different seqforge versions/,
    );
    await expect(run("gcc", [...STRICT, "-I", dir, "-c", join(dir, "alpha.c"), "-o", join(dir, "alpha.o")])).rejects.toThrow(
      /seqforge_runtime\.h is not the one generated with this model/,
    );
  });
});
