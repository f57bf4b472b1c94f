#!/usr/bin/env node
/**
 * `make bench-ts`: steps per second of the generated TypeScript module on Node against
 * seqforge's simulator, for the bench's reference models (src/bench/reference-models.ts: one
 * standard LSTM layer, one output, seeded random weights, stream mode) S 3→16, M 8→32 and L 40→64
 * in w8a16, and M in every other scheme (plain node, on the compiled dist/: run `npx tsc -p .`
 * first). Each model goes through `seqforge bench --target ts`'s code (src/bench/node-bench.ts):
 * the module built as verify builds it, its outputs checked against the simulator, then both
 * timed in alternating rounds in one process. Writes bench/ts.json and bench/ts.md.
 *
 *   node scripts/ts-bench.mjs [--out bench] [--rounds 7] [--round-ms 300]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchNode } from "../dist/bench/node-bench.js";
import { REFERENCE_MODELS, referenceQuantModel } from "../dist/bench/reference-models.js";
import { nodeNote, nodeResultsTable } from "../dist/bench/report.js";
import { writeFileAtomic } from "../dist/util/atomic-write.js";

const { values: flags } = parseArgs({
  options: { out: { type: "string", default: "bench" }, rounds: { type: "string", default: "7" }, "round-ms": { type: "string", default: "300" } },
});
const SEED = 1;
const runs = [
  ...REFERENCE_MODELS.map((spec) => ({ spec, scheme: "w8a16" })),
  ...["w16a16", "w8a8", "f32"].map((scheme) => ({ spec: REFERENCE_MODELS.find((s) => s.name === "M"), scheme })),
];

const work = mkdtempSync(join(tmpdir(), "seqforge-ts-bench-"));
const results = [];
try {
  for (const { spec, scheme } of runs) {
    const name = `ref_${spec.name.toLowerCase()}`;
    process.stderr.write(`reference model ${spec.name} (input ${spec.inputSize}, hidden ${spec.hiddenSize}), ${scheme}…\n`);
    const model = referenceQuantModel(spec, { scheme, seed: SEED });
    results.push(
      ...(await benchNode({
        model,
        name,
        targets: ["ts"],
        workDir: join(work, `${name}-${scheme}`),
        rounds: Number(flags.rounds),
        roundMs: Number(flags["round-ms"]),
      })),
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const meta = { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, seed: SEED, method: nodeNote(results) };
const md = [
  "# The TypeScript module on Node against the simulator",
  "",
  `\`make bench-ts\` (scripts/ts-bench.mjs), ${meta.cpu}, ${meta.cores} cores, Node ${meta.node}.`,
  "",
  nodeNote(results),
  "",
  nodeResultsTable(results),
].join("\n");
writeFileAtomic(join(flags.out, "ts.json"), JSON.stringify({ meta, results }, null, 2) + "\n");
writeFileAtomic(join(flags.out, "ts.md"), md);
process.stdout.write(md);
process.stderr.write(`wrote ${join(flags.out, "ts.json")} and ${join(flags.out, "ts.md")}\n`);
