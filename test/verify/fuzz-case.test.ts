/**
 * A fuzz failure is written out whole and can be replayed from its folder alone: the quantized
 * model loads (its hash checks), and the C built as its README says (or the TypeScript module's
 * build, run as it says) reproduces the records the simulator expected.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { loadQuantModel } from "../../src/model/quant-model-file.js";
import { decodeOutputs } from "../../src/verify/driver-io.js";
import { makeCase, saveFailure, sequencesOf } from "../../src/verify/fuzz.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-fuzz-case-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("a saved fuzz case", () => {
  it("holds the model, the inputs, the expected records and the C, and replays from the README", { timeout: 60_000 }, async () => {
    const c = makeCase(4242, 3);
    const dir = await saveFailure(c, work, "run 0, record 1: layer0.h[2]: C 5, simulator 6");
    expect(dir).toBe(join(work, "seed-4242"));
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["model.q.json", "inputs.json", "expected-0.json", "README.md", "fuzz.c", "fuzz.h", "verify_driver.c", "input-0.bin"]));
    expect(loadQuantModel(join(dir, "model.q.json"))).toEqual(c.model);
    expect(JSON.parse(readFileSync(join(dir, "inputs.json"), "utf8"))).toEqual(c.inputs);
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme).toContain("layer0.h[2]: C 5, simulator 6");
    expect(readme).toContain("SEQFORGE_FUZZ_SEED=4242");
    // Replay exactly as the README says.
    const commands = readme.split("\n").filter((l) => l.startsWith("    ")).map((l) => l.trim()).join(" ").replace(/\\ /g, "");
    const [build, replay] = commands.split(/(?=\.\/driver )/);
    await run("sh", ["-c", build!], { cwd: dir });
    await run("sh", ["-c", replay!], { cwd: dir });
    for (let k = 0; k < c.inputs.length; k++) {
      const got = decodeOutputs(c.model, new Uint8Array(readFileSync(join(dir, `output-${k}.bin`))));
      expect(got).toEqual(JSON.parse(readFileSync(join(dir, `expected-${k}.json`), "utf8")));
    }
    expect(sequencesOf(c)).toBeGreaterThan(0);
  });

  it("of the TypeScript module holds the module, its build and the driver, and replays with node as the README says", { timeout: 60_000 }, async () => {
    const c = makeCase(4243, 3);
    const dir = await saveFailure(c, work, "run 0, record 1: layer0.h[2]: TypeScript 5, simulator 6", "ts");
    expect(dir).toBe(join(work, "seed-4243-ts"));
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(["model.q.json", "inputs.json", "expected-0.json", "README.md", "fuzz.ts", "verify_driver.mjs", "build", "input-0.bin"]));
    const readme = readFileSync(join(dir, "README.md"), "utf8");
    expect(readme).toContain("layer0.h[2]: TypeScript 5, simulator 6");
    const replay = readme.split("\n").filter((l) => l.startsWith("    ")).map((l) => l.trim());
    expect(replay).toEqual([`node build/verify_driver.mjs ${c.inputs.map((_, k) => `input-${k}.bin output-${k}.bin`).join(" ")}`]);
    await run("sh", ["-c", replay[0]!], { cwd: dir });
    for (let k = 0; k < c.inputs.length; k++) {
      const got = decodeOutputs(c.model, new Uint8Array(readFileSync(join(dir, `output-${k}.bin`))));
      expect(got).toEqual(JSON.parse(readFileSync(join(dir, `expected-${k}.json`), "utf8")));
    }
  });
});
