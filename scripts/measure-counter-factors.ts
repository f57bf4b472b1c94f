/**
 * Measures each QEMU target's instructions per counter tick (./counter-factor.ts) and
 * compares it with the factor recorded in targets/<name>.json (counter.instructionsPerTick). Run
 * after adding a target or changing QEMU:
 *   make counter-factors   (node build/scripts/measure-counter-factors.js [target ...])
 * Exits 1 when a recorded factor is off by more than 0.1%.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listQemuTargets, mapLimit } from "../src/toolchain/index.js";
import { measureCounterFactor } from "./counter-factor.js";

async function main(): Promise<void> {
  const targets = process.argv.length > 2 ? process.argv.slice(2) : listQemuTargets();
  const work = mkdtempSync(join(tmpdir(), "seqforge-counter-factor-"));
  let off = false;
  try {
    const results = await mapLimit(targets, 2, (t) => measureCounterFactor(t, work));
    process.stdout.write("| target | loop instructions per iteration | ticks for 1,000,000 / 3,000,000 iterations | measured instructions per tick | recorded |\n| --- | ---: | ---: | ---: | ---: |\n");
    for (const c of results) {
      const bad = Math.abs(c.instructionsPerTick - c.recorded) / c.recorded > 0.001;
      off ||= bad;
      process.stdout.write(
        `| ${c.target} | ${c.loopInstructions} | ${c.ticks.get(1_000_000)!.toLocaleString("en-US")} / ${c.ticks.get(3_000_000)!.toLocaleString("en-US")} | ${c.instructionsPerTick} | ${c.recorded}${bad ? " (differs)" : ""} |\n`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (off) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`measure-counter-factors: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
