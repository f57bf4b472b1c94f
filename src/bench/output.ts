/**
 * Parsing what the bench driver prints (targets/harness/bench_main.c.hbs):
 *   bench steps=32 reset_ticks=.. step_ticks=.. output_ticks=.. min_ticks=.. max_ticks=.. stack_bytes=.. step_stack_bytes=.. state_bytes=..
 *   bench y=v0,v1,...
 *   bench predict_ticks=.. predict_wrapped=0|1 window_bytes=..      (window mode only)
 */

export interface DriverReport {
  steps: number;
  resetTicks: number;
  /** Totals over all steps. */
  stepTicks: number;
  outputTicks: number;
  /** Fewest and most ticks of one step + output. */
  minTicks: number;
  maxTicks: number;
  /** Deepest stack of step + output, and of step alone (painted before each step). */
  stackBytes: number;
  stepStackBytes: number;
  stateBytes: number;
  /** The output vector after the last step. */
  y: number[];
  /** Window mode: ticks of one PREFIX_predict over a full window (null when it wrapped the
   *  24-bit counter), and sizeof the window. */
  predictTicks: number | null;
  predictWrapped: boolean;
  windowBytes: number | null;
}

const FIELDS = ["steps", "reset_ticks", "step_ticks", "output_ticks", "min_ticks", "max_ticks", "stack_bytes", "step_stack_bytes", "state_bytes"] as const;

export function parseDriverOutput(stdout: string): DriverReport {
  const figures = stdout.split("\n").find((l) => l.startsWith("bench steps="));
  const yLine = stdout.split("\n").find((l) => l.startsWith("bench y="));
  if (!figures || !yLine) throw new Error(`the bench driver printed no figures; its output was:\n${stdout.slice(0, 2000)}`);
  const values = new Map<string, number>();
  for (const m of figures.matchAll(/(\w+)=(\d+)/g)) values.set(m[1]!, Number(m[2]));
  const get = (k: (typeof FIELDS)[number]) => {
    const v = values.get(k);
    if (v === undefined) throw new Error(`the bench driver's line lacks ${k}: ${figures}`);
    return v;
  };
  const predict = /^bench predict_ticks=(\d+) predict_wrapped=([01]) window_bytes=(\d+)$/m.exec(stdout);
  const y = yLine.slice("bench y=".length).trim().split(",").map(Number);
  if (y.some((v) => !Number.isFinite(v))) throw new Error(`unreadable outputs: ${yLine}`);
  return {
    steps: get("steps"),
    resetTicks: get("reset_ticks"),
    stepTicks: get("step_ticks"),
    outputTicks: get("output_ticks"),
    minTicks: get("min_ticks"),
    maxTicks: get("max_ticks"),
    stackBytes: get("stack_bytes"),
    stepStackBytes: get("step_stack_bytes"),
    stateBytes: get("state_bytes"),
    y,
    // A prediction that wrapped the 24-bit counter has no count (see sf_counter_wrapped).
    predictTicks: predict && predict[2] === "0" ? Number(predict[1]) : null,
    predictWrapped: predict ? predict[2] === "1" : false,
    windowBytes: predict ? Number(predict[3]) : null,
  };
}
