/**
 * The bundled series the accuracy scripts (forget-bias.ts, delta.ts, bench-quant.ts) run on: one row per
 * series, its files (data/README.md) and the training flags of its task.
 */
import { execFileSync } from "node:child_process";

export interface SeriesTask {
  name: string;
  train: string;
  test: string;
  /** seqforge train flags: target, features, window, hidden, epochs. */
  flags: string[];
}

export const SERIES: SeriesTask[] = [
  {
    name: "seattle-daily",
    train: "data/seattle-weather-train.csv",
    test: "data/seattle-weather-test.csv",
    flags: ["--target", "temp_max", "--features", "temp_max,temp_min,precipitation,wind", "--window", "8", "--hidden", "16", "--epochs", "100"],
  },
  {
    name: "co2-monthly",
    train: "data/co2-mauna-loa-train.csv",
    test: "data/co2-mauna-loa-test.csv",
    flags: ["--target", "CO2", "--features", "CO2", "--window", "12", "--hidden", "16", "--epochs", "100"],
  },
  {
    name: "seattle-hourly",
    train: "data/seattle-hourly-normals-train.csv",
    test: "data/seattle-hourly-normals-test.csv",
    flags: ["--target", "temperature", "--features", "temperature,pressure,wind", "--window", "24", "--hidden", "16", "--epochs", "30"],
  },
];

/** Runs the seqforge command line with --json and returns what it printed (its progress lines discarded); each script reads the fields it needs. */
export function seqforgeJson(args: string[]): any {
  return JSON.parse(execFileSync("node", ["bin/seqforge.js", ...args, "--json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
}
