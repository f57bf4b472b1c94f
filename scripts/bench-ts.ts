/**
 * `make bench-ts`: steps per CPU second of the generated TypeScript module on Node against
 * seqforge's simulator, for the bench's reference models (scripts/reference-models.ts: one standard
 * LSTM layer, one output, seeded random weights, stream mode) S 3→16, M 8→32 and L 40→64 in w8a16,
 * and M in every other scheme. Each model goes through `seqforge bench --target ts`'s code
 * (src/bench/node-bench.ts): the module built as verify builds it, its outputs checked against the
 * simulator, then both timed in alternating rounds in one process. Writes bench/ts.json and
 * bench/ts.md and prints the Markdown. Timings, not counts: they vary with the machine.
 * Run: make bench-ts (node build/scripts/bench-ts.js [--out bench] [--rounds 7] [--round-ms 300])
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchNode, type NodeBenchResult } from "../src/bench/node-bench.js";
import { nodeNote, nodeResultsTable } from "../src/bench/report.js";
import type { Scheme } from "../src/model/schemes.js";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { REFERENCE_MODELS, referenceQuantModel, type ReferenceSpec } from "./reference-models.js";

const SEED = 1;

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: { out: { type: "string", default: "bench" }, rounds: { type: "string", default: "7" }, "round-ms": { type: "string", default: "300" } },
  });
  const m = REFERENCE_MODELS.find((s) => s.name === "M")!;
  const runs: { spec: ReferenceSpec; scheme: Scheme }[] = [
    ...REFERENCE_MODELS.map((spec) => ({ spec, scheme: "w8a16" as const })),
    ...(["w16a16", "w8a8", "f32"] as const).map((scheme) => ({ spec: m, scheme })),
  ];
  const work = mkdtempSync(join(tmpdir(), "seqforge-bench-ts-"));
  const results: NodeBenchResult[] = [];
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
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const meta = { node: process.version, cpu, cores: cpus().length, seed: SEED, method: nodeNote(results) };
  const md = [
    "# The TypeScript module on Node against the simulator",
    "",
    `\`make bench-ts\` (scripts/bench-ts.ts) on ${cpu}, ${meta.cores} cores.`,
    "",
    nodeNote(results),
    "",
    nodeResultsTable(results),
  ].join("\n");
  writeFileAtomic(join(flags.out, "ts.json"), JSON.stringify({ meta, results }, null, 2) + "\n");
  writeFileAtomic(join(flags.out, "ts.md"), md);
  process.stdout.write(md);
  process.stderr.write(`wrote ${join(flags.out, "ts.json")} and ${join(flags.out, "ts.md")}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-ts: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
