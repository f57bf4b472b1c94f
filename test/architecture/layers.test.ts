/**
 * The stages import only downwards (docs/architecture.md "Stages"): every relative import in
 * src/ is read, and one from a stage to a stage of the same or a higher layer fails, naming the
 * file, the import and both layers. A new folder under src/ must be given its layer here.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve("src");

/** Layer of each stage; a stage may import its own files and stages of lower layers only. */
const LAYER: Record<string, number> = {
  errors: 0,
  util: 1,
  model: 2,
  data: 3,
  train: 4,
  quant: 4,
  interop: 4,
  example: 5,
  finetune: 5,
  codegen: 5,
  toolchain: 5,
  verify: 6,
  bench: 6,
  report: 7,
  cli: 8,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith(".ts") ? [path] : [];
  });
}

/** The stage a path under src/ belongs to: its top folder, or the file itself at the top (src/errors.ts). */
function stageOf(path: string): string {
  return relative(SRC, path).split(/[\\/]/)[0]!.replace(/\.(js|ts)$/, "");
}

/** Relative module specifiers of `import … from` and `export … from` (type-only ones too: they couple as much). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gms)].map((m) => m[1]!);
}

interface Source {
  path: string;
  text: string;
}

function backwardImports(sources: readonly Source[]): string[] {
  const found: string[] = [];
  for (const { path: file, text } of sources) {
    const from = stageOf(file);
    for (const spec of importsOf(text)) {
      const to = stageOf(resolve(dirname(file), spec));
      if (to === from) continue;
      const [a, b] = [LAYER[from], LAYER[to]];
      if (a === undefined || b === undefined) {
        found.push(`${relative(SRC, file)}: stage ${a === undefined ? from : to} has no layer in test/architecture/layers.test.ts`);
      } else if (b >= a) {
        found.push(`${relative(SRC, file)} imports ${spec}: ${from} (layer ${a}) may not import ${to} (layer ${b})`);
      }
    }
  }
  return found;
}

describe("stage layering", () => {
  const sources = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, "utf8") }));

  it("reads every source file and finds their imports", () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.flatMap((s) => importsOf(s.text)).length).toBeGreaterThan(200);
  });

  it("no stage imports a stage of its own or a higher layer", () => {
    expect(backwardImports(sources)).toEqual([]);
  });

  it("reports a backward import, a sideways one and an unknown stage", () => {
    const probe = (stage: string, text: string) => ({ path: join(SRC, stage, "probe.ts"), text });
    expect(
      backwardImports([
        probe("data", 'import type { TrainConfig } from "../train/api.js";\nimport { x } from "./windows.js";'),
        probe("quant", 'export {\n  trainLstm,\n} from "../train/trainer.js";'),
        probe("gadgets", 'import { sha256 } from "../util/hash.js";'),
      ]),
    ).toEqual([
      "data/probe.ts imports ../train/api.js: data (layer 3) may not import train (layer 4)",
      "quant/probe.ts imports ../train/trainer.js: quant (layer 4) may not import train (layer 4)",
      "gadgets/probe.ts: stage gadgets has no layer in test/architecture/layers.test.ts",
    ]);
  });
});
