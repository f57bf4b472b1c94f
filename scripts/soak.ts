#!/usr/bin/env node
/**
 * Soak: a long stream through each soak model (src/verify/soak.ts: the fuzzer's random models,
 * extreme weights, stream mode, random and adversarial rows), never reset, on the host (gcc -O2)
 * and under QEMU, bit-exact with the simulator at every step, every accumulator within the
 * model's overflow proof.
 *
 *   make soak   (node build/scripts/soak.js [--host-steps 1000000] [--qemu-steps 100000]
 *                [--target cortex-m4] [--out bench] [--work DIR])
 *
 * Writes bench/soak.json and bench/soak.md; exits 1 when any step differs or a bound is broken.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { SOAK_MODELS, soak, soakModel, type SoakResult } from "../src/verify/soak.js";

const { values: flags } = parseArgs({
  options: {
    "host-steps": { type: "string", default: "1000000" },
    "qemu-steps": { type: "string", default: "100000" },
    target: { type: "string", default: "cortex-m4" },
    out: { type: "string", default: "bench" },
    work: { type: "string" },
  },
});
const hostSteps = Number(flags["host-steps"]);
const qemuSteps = Number(flags["qemu-steps"]);
for (const [name, v] of [["--host-steps", hostSteps], ["--qemu-steps", qemuSteps]] as const) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`soak: ${name}: a positive integer expected`);
    process.exit(2);
  }
}
const work = resolve(flags.work ?? join(tmpdir(), "seqforge-soak"));
rmSync(work, { recursive: true, force: true });
const SEED = 7;

const results: SoakResult[] = [];
for (const m of SOAK_MODELS) {
  const model = soakModel(m);
  for (const [target, steps] of [["host", hostSteps], [flags.target, qemuSteps]] as const) {
    console.error(`soak: ${m.label} on ${target}, ${steps} steps`);
    const r = await soak(model, m.label, target, steps, SEED, work, 3_600_000);
    console.error(
      `  ${r.firstDifference === null && r.outsideProof.length === 0 ? "PASS" : "FAIL"} ${r.records} records, sha256 ${r.sha256Target.slice(0, 16)}` +
        ` (simulator ${r.sha256Simulator.slice(0, 16)}), ${r.seconds.run.toFixed(1)} s on the target`,
    );
    results.push(r);
  }
}

const ok = (r: SoakResult) => r.firstDifference === null && r.outsideProof.length === 0 && r.records === r.steps && r.sha256Target === r.sha256Simulator;
const out = resolve(flags.out);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "soak.json"), JSON.stringify({ seed: SEED, hostSteps, qemuSteps, results }, null, 2) + "\n");

const md: string[] = [
  "# Soak: one long stream, never reset, bit-exact from the first step to the last",
  "",
  `\`make soak\` (scripts/soak.ts): ${hostSteps.toLocaleString("en-US")} steps on the host (gcc -O2) and ${qemuSteps.toLocaleString("en-US")} on ${flags.target} under QEMU, ` +
    "per model; rows random or adversarial (integer limits, long constant runs, alternating extremes) in stretches of 50–5,000; " +
    "every record (output, c and h of every layer) compared byte for byte with the simulator, every accumulator checked against the model's overflow proof.",
  "",
  "| model | target | steps | records equal | sha256 of the records (target = simulator) | max \\|y\\| | max \\|c\\| | max \\|h\\| | saturations (x, z, c, h, y) | accumulators outside the proof | proof headroom (bits) | run (s) |",
  "| --- | --- | ---: | --- | --- | ---: | ---: | ---: | --- | --- | ---: | ---: |",
];
for (const r of results) {
  const sat = Object.entries(r.saturations)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  md.push(
    `| ${r.model} | ${r.target} | ${r.steps.toLocaleString("en-US")} | ${r.firstDifference === null ? `all ${r.records.toLocaleString("en-US")}` : r.firstDifference} | ` +
      `\`${r.sha256Target.slice(0, 16)}…\`${r.sha256Target === r.sha256Simulator ? "" : ` ≠ \`${r.sha256Simulator.slice(0, 16)}…\``} | ${r.maxAbs.y} | ${r.maxAbs.c} | ${r.maxAbs.h} | ${sat || "none"} | ` +
      `${r.outsideProof.length ? r.outsideProof.join("; ") : "none"} | ${r.proofHeadroomBits.toFixed(1)} | ${r.seconds.run.toFixed(1)} |`,
  );
}
md.push("", "Final state (the target's last record) and spot records: bench/soak.json. Run times depend on the machine and its load.", "");
writeFileSync(join(out, "soak.md"), md.join("\n"));
console.error(`wrote ${join(out, "soak.json")} and ${join(out, "soak.md")}`);
process.exit(results.every(ok) ? 0 : 1);
