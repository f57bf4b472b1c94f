/**
 * `make delta`: `train --delta` on the trending series (Mauna Loa CO2, scripts/series.ts): for the
 * level model and the delta model, with CO2 alone as the feature (the bundled task) and with the
 * deseasonalised `adjusted CO2` beside it, and three seeds, train, then score the float model on
 * the held-out test file (RMSE in ppm, beside persistence and the linear AR baseline). Writes
 * bench/delta.json and bench/delta.md. Runs the built command line (bin/seqforge.js), so it
 * measures what a user gets.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { SERIES, seqforgeJson } from "./series.js";

const SEEDS = [1, 2, 3];
const FEATURE_SETS = ["CO2", "CO2,adjusted CO2"];
const co2 = SERIES.find((s) => s.name === "co2-monthly")!;

interface Run {
  features: string;
  delta: boolean;
  seed: number;
  rmse: number;
  persistenceRmse: number | null;
  linearRmse: number | null;
}

/** The task's flags with its --features replaced. */
function withFeatures(flags: string[], features: string): string[] {
  return flags.map((f, i) => (flags[i - 1] === "--features" ? features : f));
}

const outDir = process.argv.includes("--out") ? process.argv[process.argv.indexOf("--out") + 1]! : "bench";
const work = mkdtempSync(join(tmpdir(), "delta-"));
const runs: Run[] = [];
for (const features of FEATURE_SETS) {
  for (const delta of [false, true]) {
    for (const seed of SEEDS) {
      const model = join(work, `model.json`);
      seqforgeJson(["train", "--data", co2.train, ...withFeatures(co2.flags, features), ...(delta ? ["--delta"] : []), "--seed", String(seed), "--out", model]);
      const t = seqforgeJson(["predict", model, "--data", co2.test, "--engine", "float", "--out", join(work, "p.csv")]).targets[0];
      runs.push({ features, delta, seed, rmse: t.rmse, persistenceRmse: t.persistenceRmse, linearRmse: t.linearRmse });
      process.stderr.write(`features ${features}${delta ? " --delta" : ""} seed ${seed}: test RMSE ${t.rmse.toPrecision(4)}\n`);
    }
  }
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const lines = [
  "# Predicting the change (`train --delta`) on the trending series",
  "",
  `Mauna Loa CO2, next month from the last 12 (\`${co2.flags.join(" ")}\`, features as listed), trained on ${co2.train},`,
  `scored on ${co2.test}: test-file RMSE (ppm) of the float model, seeds ${SEEDS.join(", ")}; \`make delta\` (scripts/delta.ts).`,
  "",
  "| features | target | RMSE per seed | mean RMSE | persistence | linear AR |",
  "| --- | --- | --- | ---: | ---: | ---: |",
];
for (const features of FEATURE_SETS) {
  for (const delta of [false, true]) {
    const r = runs.filter((x) => x.features === features && x.delta === delta);
    lines.push(
      `| ${features} | ${delta ? "change (--delta)" : "level"} | ${r.map((x) => x.rmse.toPrecision(4)).join(", ")} | ${mean(r.map((x) => x.rmse)).toPrecision(4)} | ${r[0]!.persistenceRmse?.toPrecision(4) ?? "-"} | ${r[0]!.linearRmse?.toPrecision(4) ?? "-"} |`,
    );
  }
}
writeFileAtomic(join(outDir, "delta.json"), JSON.stringify({ seeds: SEEDS, runs }, null, 1) + "\n");
writeFileAtomic(join(outDir, "delta.md"), lines.join("\n") + "\n");
process.stdout.write(lines.join("\n") + "\n");
