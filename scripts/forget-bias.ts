/**
 * `make forget-bias`: the initial forget-gate bias (train --forget-bias) measured on every bundled
 * series (scripts/series.ts): for bias 0 and 1 and three seeds, train, then score the float model
 * on the held-out test file (RMSE in data units, beside persistence and the linear AR baseline).
 * Writes bench/forget-bias.json and bench/forget-bias.md. Runs the built command line
 * (bin/seqforge.js), so it measures what a user gets.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { SERIES, seqforgeJson } from "./series.js";

const BIASES = [0, 1];
const SEEDS = [1, 2, 3];

interface Run {
  series: string;
  forgetBias: number;
  seed: number;
  rmse: number;
  persistenceRmse: number | null;
  linearRmse: number | null;
}

const outDir = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1]! : "bench";
const work = mkdtempSync(join(tmpdir(), "forget-bias-"));
const runs: Run[] = [];
for (const s of SERIES) {
  for (const bias of BIASES) {
    for (const seed of SEEDS) {
      const model = join(work, `${s.name}-${bias}-${seed}.json`);
      seqforgeJson(["train", "--data", s.train, ...s.flags, "--forget-bias", String(bias), "--seed", String(seed), "--out", model]);
      const p = seqforgeJson(["predict", model, "--data", s.test, "--engine", "float", "--out", join(work, "p.csv")]);
      const t = p.targets[0];
      runs.push({ series: s.name, forgetBias: bias, seed, rmse: t.rmse, persistenceRmse: t.persistenceRmse, linearRmse: t.linearRmse });
      process.stderr.write(`${s.name} forget-bias ${bias} seed ${seed}: test RMSE ${t.rmse.toPrecision(4)}\n`);
    }
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const lines = [
  "# Initial forget-gate bias (`train --forget-bias`)",
  "",
  `Test-file RMSE (data units) of the float model, seeds ${SEEDS.join(", ")}; \`make forget-bias\` (scripts/forget-bias.ts).`,
  "",
  "| series | forget bias | RMSE per seed | mean RMSE | persistence | linear AR |",
  "| --- | ---: | --- | ---: | ---: | ---: |",
];
for (const s of SERIES) {
  for (const bias of BIASES) {
    const r = runs.filter((x) => x.series === s.name && x.forgetBias === bias);
    lines.push(
      `| ${s.name} | ${bias} | ${r.map((x) => x.rmse.toPrecision(4)).join(", ")} | ${mean(r.map((x) => x.rmse)).toPrecision(4)} | ${r[0]!.persistenceRmse?.toPrecision(4) ?? "-"} | ${r[0]!.linearRmse?.toPrecision(4) ?? "-"} |`,
    );
  }
}
writeFileAtomic(join(outDir, "forget-bias.json"), JSON.stringify({ seeds: SEEDS, runs }, null, 1) + "\n");
writeFileAtomic(join(outDir, "forget-bias.md"), lines.join("\n") + "\n");
process.stdout.write(lines.join("\n") + "\n");
