/**
 * `make bench-memory`: what training and predicting on a large CSV cost. Writes a synthetic
 * 3-column CSV of 2,000,000 rows (scripts/large-csv.ts, 103 MB) into out/, then runs the CLI as a
 * user does under `/usr/bin/time -v`: `train` for one epoch and for two (the epoch time is the
 * difference, the rest being reading, normalising and the validation predictions), and
 * `predict` with the model. Reports each run's peak resident memory (the kernel's maximum
 * resident set size) and wall time against the goal (training below 1.2 GiB), with the
 * machine's load. Writes bench/memory.json and bench/memory.md and prints the Markdown.
 *
 *   node build/scripts/bench-memory.js [--rows N] [--out bench]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../src/util/atomic-write.js";
import { writeLargeCsv } from "./large-csv.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TIME = "/usr/bin/time";
const GOAL_BYTES = 1.2 * 2 ** 30;
const TRAIN_FLAGS = ["--target", "temp", "--features", "temp,wind", "--window", "8", "--hidden", "16"];

interface Run {
  command: string;
  peakBytes: number;
  seconds: number;
}

/** Runs the CLI under /usr/bin/time -v; its peak RSS and wall time. */
function measure(args: string[]): Run {
  const r = spawnSync(TIME, ["-v", process.execPath, join(ROOT, "bin/seqforge.js"), ...args], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`seqforge ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  if (!rss || !wall) throw new Error(`no figures in the output of ${TIME} -v:\n${r.stderr}`);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { command: `seqforge ${args.join(" ")}`, peakBytes: Number(rss[1]) * 1024, seconds };
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function main(): void {
  const { values } = parseArgs({ options: { rows: { type: "string", default: "2000000" }, out: { type: "string", default: "bench" } } });
  const rows = Number(values.rows);
  if (!existsSync(TIME)) throw new Error(`${TIME} not found: install the Debian package time`);
  if (!existsSync(join(ROOT, "dist/cli/main.js"))) throw new Error("dist/ is missing: run make build first");
  const work = join(ROOT, "out", "bench-memory");
  mkdirSync(work, { recursive: true });
  const csv = join(work, "large.csv");
  process.stderr.write(`writing ${csv} (${rows.toLocaleString("en-US")} rows)…\n`);
  writeLargeCsv(csv, rows);
  const loadBefore = loadavg()[0]!;
  const train = (epochs: number) => {
    process.stderr.write(`train, ${epochs} epoch${epochs > 1 ? "s" : ""}…\n`);
    return measure(["train", "--data", csv, ...TRAIN_FLAGS, "--epochs", String(epochs), "--out", join(work, `model-${epochs}.json`)]);
  };
  const one = train(1);
  const two = train(2);
  process.stderr.write("predict…\n");
  const predict = measure(["predict", join(work, "model-1.json"), "--data", csv, "--out", join(work, "predictions.csv")]);
  const loadAfter = loadavg()[0]!;
  const epochSeconds = two.seconds - one.seconds;
  const conditions = {
    node: process.version,
    cpus: cpus().length,
    loadAverage1min: { before: loadBefore, after: loadAfter },
    rows,
    csvBytes: Number(execFileSync("stat", ["-c", "%s", csv], { encoding: "utf8" })),
  };
  const trainPeak = Math.max(one.peakBytes, two.peakBytes);
  const json = { conditions, goalBytes: GOAL_BYTES, trainPeakBytes: trainPeak, trainGoalMet: trainPeak < GOAL_BYTES, epochSeconds, runs: { trainOneEpoch: one, trainTwoEpochs: two, predict } };
  const md = [
    "# make bench-memory",
    "",
    `A ${rows.toLocaleString("en-US")}-row CSV of 3 columns (${(conditions.csvBytes / 1e6).toFixed(0)} MB, scripts/large-csv.ts), window 8, hidden 16, batch 32; peak resident memory from \`/usr/bin/time -v\`.`,
    "",
    "| run | peak memory | wall time |",
    "| --- | ---: | ---: |",
    `| train, 1 epoch | ${mib(one.peakBytes)} | ${one.seconds.toFixed(1)} s |`,
    `| train, 2 epochs | ${mib(two.peakBytes)} | ${two.seconds.toFixed(1)} s |`,
    `| predict | ${mib(predict.peakBytes)} | ${predict.seconds.toFixed(1)} s |`,
    "",
    `One epoch: ${epochSeconds.toFixed(1)} s (2 epochs − 1). Training peaks at ${mib(trainPeak)}: ${trainPeak < GOAL_BYTES ? "below" : "ABOVE"} the 1.2 GiB goal.`,
    "",
    `Node ${process.version}, ${conditions.cpus} cores, load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after (times vary with the load; memory does not).`,
    "",
  ].join("\n");
  writeFileAtomic(join(values.out!, "memory.json"), JSON.stringify(json, null, 1) + "\n");
  writeFileAtomic(join(values.out!, "memory.md"), md);
  process.stdout.write(md);
  rmSync(work, { recursive: true, force: true });
}

main();
