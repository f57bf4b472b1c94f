/**
 * Measuring a target's instructions per counter tick under QEMU with a loop of known length
 * (targets/harness/counter-factor.c runs the target's sf_known_loop, whose instructions per iteration
 * it prints). Used by measure-counter-factors.ts (make counter-factors) and the QEMU tests.
 */
import { join } from "node:path";
import { buildProgram, harnessSource, loadTarget, runProgram } from "../src/toolchain/index.js";

export interface CounterFactor {
  target: string;
  /** Instructions per iteration of the known loop, as the target's header states it. */
  loopInstructions: number;
  /** Ticks per loop length, as printed. */
  ticks: Map<number, number>;
  /** k·(n2 − n1) instructions over the difference of ticks: the call and counter reads cancel. */
  instructionsPerTick: number;
  recorded: number;
}

export async function measureCounterFactor(target: string, workDir: string): Promise<CounterFactor> {
  const t = loadTarget(target);
  if (t.kind !== "qemu") throw new Error(`${target}: only targets run under QEMU have an instruction counter to measure`);
  const b = await buildProgram({ target, sources: [harnessSource("counter-factor.c")], includeDirs: [], outDir: join(workDir, target) });
  const r = await runProgram({ target, executable: b.executable, args: [], cwd: workDir, timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`${target}: the counter-factor image exited with ${r.exitCode}: ${r.stdout}${r.stderr}`);
  const k = Number(/loop_instructions=(\d+)/.exec(r.stdout)?.[1]);
  const ticks = new Map([...r.stdout.matchAll(/iterations=(\d+) ticks=(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]));
  const n1 = 1_000_000;
  const n2 = 3_000_000;
  if (!(k > 0) || !ticks.has(n1) || !ticks.has(n2)) throw new Error(`${target}: unexpected output from the counter-factor image: ${r.stdout}`);
  const instructionsPerTick = (k * (n2 - n1)) / (ticks.get(n2)! - ticks.get(n1)!);
  return { target, loopInstructions: k, ticks, instructionsPerTick, recorded: t.counter.instructionsPerTick };
}
