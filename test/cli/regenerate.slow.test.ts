// Byte-identical regeneration: the same inputs, given by the same relative paths, give the same
// model file, quantized file, predictions, C, TypeScript module and report page, whichever folder
// the commands run in and
// however often they run. Two working folders, the whole pipeline in each (integer and f32).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCliAsync, tempDir } from "./helpers.js";

const DATA = join(ROOT, "data/seattle-weather-train.csv");
const TRAIN = ["--target", "temp_max", "--features", "temp_max,wind", "--window", "4", "--hidden", "4", "--epochs", "1"];

/** Every file under `dir`, as paths relative to it, sorted. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** The pipeline in `dir`, with relative paths only, as a user in that folder types it. */
async function pipeline(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  copyFileSync(DATA, join(dir, "weather.csv"));
  const steps = [
    ["train", "--data", "weather.csv", ...TRAIN, "--out", "out/model.json"],
    ["predict", "out/model.json", "--data", "weather.csv", "--out", "out/predictions.csv"],
    ["quantize", "out/model.json", "--calib", "weather.csv", "--scheme", "w8a16", "--out", "out/model.q.json"],
    ["quantize", "out/model.json", "--calib", "weather.csv", "--scheme", "f32", "--out", "out/model-f32.q.json"],
    ["predict", "out/model.q.json", "--engine", "fixed", "--data", "weather.csv", "--out", "out/fixed.csv"],
    ["generate", "out/model.q.json", "--name", "weather", "--out", "out/c"],
    ["generate", "out/model-f32.q.json", "--name", "weather_f32", "--float-io", "--out", "out/c-f32"],
    ["generate", "out/model.q.json", "--lang", "ts", "--name", "weather", "--out", "out/ts"],
    ["report", "out/model.q.json", "--data", "weather.csv", "--target", "host", "--out", "out/report.html"],
  ];
  for (const args of steps) {
    const r = await runCliAsync(args, dir);
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  }
}

describe("byte-identical regeneration", () => {
  const base = tempDir();
  const a = join(base, "first");
  const b = join(base, "second", "elsewhere");
  beforeAll(async () => {
    await Promise.all([pipeline(a), pipeline(b)]);
  }, 300_000);

  it("gives the same files, byte for byte, in two working folders", () => {
    const made = files(join(a, "out"));
    expect(made).toEqual(files(join(b, "out")));
    expect(made).toEqual(expect.arrayContaining(["model.json", "model.q.json", "model-f32.q.json", "predictions.csv", "fixed.csv", "c/weather.c", "c/weather.h", "c-f32/weather_f32.c", "ts/weather.ts", "report.html"]));
    for (const f of made) expect(readFileSync(join(b, "out", f)).equals(readFileSync(join(a, "out", f))), relative(base, join(b, "out", f))).toBe(true);
  });

  it("gives the same files again when run a second time over its own output", async () => {
    const before = new Map(files(join(a, "out")).map((f) => [f, readFileSync(join(a, "out", f))]));
    await pipeline(a);
    expect(files(join(a, "out"))).toEqual([...before.keys()]);
    for (const [f, bytes] of before) expect(readFileSync(join(a, "out", f)).equals(bytes), f).toBe(true);
  }, 300_000);
});
