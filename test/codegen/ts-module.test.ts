/**
 * The generated TypeScript module (generate --lang ts): the same bytes on every run, the C API in
 * camelCase with a JSDoc comment on every export, no `any` and no unlabelled runs of numbers; it
 * type-checks under the project's own tsc (--strict, noUncheckedIndexedAccess, the ECMAScript
 * library alone), runs in a fresh JavaScript realm that has none of Node's globals, and there gives
 * the simulator's integers, window helpers and input quantisation included; its int64
 * requantisation is exact against BigInt for every shift. (Parity on data goes through verify,
 * test/verify/parity.slow.test.ts; the fuzzer covers random models.)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { requantizeCode } from "../../src/codegen/ts/integer.js";
import { generateTsModule } from "../../src/codegen/ts/module.js";
import { normalizeRow } from "../../src/model/normalize.js";
import type { QuantModel } from "../../src/model/quant-model-file.js";
import { quantizeInputs, Simulator } from "../../src/quant/simulator.js";
import { f32Engine } from "../../src/quant/f32-engine.js";
import { fixtureModel, SCHEMES } from "./fixtures.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-ts-module-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const source = (model: QuantModel, name = "pump") => generateTsModule(model, { name, generatorVersion: "0.0.0-test" })[0]!.content;
/** The code without comments. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

const variants = SCHEMES.flatMap((scheme) =>
  (["standard", "seed"] as const).flatMap((cell) => (["window", "stream"] as const).map((mode) => ({ scheme, cell, mode }))),
);

describe("the generated module's text", () => {
  it("is the same bytes every time, for every scheme; the name changes only the name", () => {
    for (const scheme of SCHEMES) {
      const model = fixtureModel({ scheme, layers: 2 });
      const a = source(model);
      expect(source(structuredClone(model))).toBe(a);
      expect(source(model, "valve").replaceAll("valve", "pump")).toBe(a);
    }
  });

  for (const v of variants) {
    it(`${v.scheme}, ${v.cell} cell, ${v.mode} mode: the API, documented, without any, imports or unlabelled numbers`, () => {
      const text = source(fixtureModel({ ...v, layers: 2, hidden: 5, inputSize: 3, outputs: 2 }));
      const api = ["INPUT_SIZE", "OUTPUT_SIZE", "HIDDEN_SIZE", "LAYERS", "State", "newInput", "newOutput", "createState", "reset", "step", "output", "quantizeInput", "dequantizeOutput"];
      const windowApi = ["WINDOW", "Window", "createWindow", "windowReset", "windowPush", "windowFull", "predict"];
      const exported = [...text.matchAll(/^export (?:const|function|interface) (\w+)/gm)].map((m) => m[1]);
      const integerApi = v.scheme === "f32" ? [] : ["INPUT_FRAC", "OUTPUT_FRAC"];
      expect(new Set(exported)).toEqual(new Set([...api, ...integerApi, ...(v.mode === "window" ? windowApi : [])]));
      // A JSDoc comment right above every export.
      const lines = text.split("\n");
      lines.forEach((line, i) => {
        if (line.startsWith("export ")) expect(lines[i - 1], line).toMatch(/\*\/$/);
      });
      const typed = v.scheme === "f32" ? "Float32Array" : v.scheme === "w8a8" ? "Int8Array" : "Int16Array";
      expect(text).toMatch(new RegExp(`^export function newInput\\(\\): ${typed} \\{$`, "m"));
      expect(code(text)).not.toMatch(/\bany\b|\bimport\b|\brequire\(|\bprocess\b|\bBuffer\b|\bBigInt\b/);
      // The integer step (everything from the primitives on) holds no floating point; only the I/O helpers do.
      if (v.scheme !== "f32") expect(code(text.slice(text.indexOf("// ---- Fixed-point primitives")))).not.toMatch(/Math\.(exp|tanh|fround)|\d\.\d|e-\d/);
      // Every line of numbers in an array literal is labelled, or follows a label (a wrapped row), and is short.
      let inArray = false;
      let labelled = false;
      for (const line of lines) {
        if (/= new \w+Array\(\[$/.test(line)) [inArray, labelled] = [true, false];
        else if (line === "]);") inArray = false;
        else if (inArray) {
          if (/^\s*\/\//.test(line)) labelled = true;
          else {
            expect(line.length, line).toBeLessThanOrEqual(100);
            expect(labelled || /\/\/ \S/.test(line), line).toBe(true);
            if (/\/\/ \S/.test(line)) labelled = false;
          }
        }
      }
      // Code lines stay readable; only the banner's rows run long.
      for (const line of code(text).split("\n")) expect(line.length, line).toBeLessThanOrEqual(120);
    });
  }
});

describe("type-checking with the project's TypeScript (not ts-morph's)", () => {
  it("passes tsc --strict --noUncheckedIndexedAccess --noEmit against the ECMAScript 2020 library alone, every variant", { timeout: 120_000 }, async () => {
    const files = variants.map((v, i) => {
      const file = join(work, `check_${i}.ts`);
      writeFileSync(file, source(fixtureModel({ ...v, layers: 2, hidden: 5, inputSize: 3, outputs: 2 }), `check_${i}`));
      return file;
    });
    const compilerOptions = {
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      noEmit: true,
      target: "es2020",
      module: "es2020",
      lib: ["es2020"],
      types: [],
    };
    const project = join(work, "tsconfig.json");
    const tsc = (checked: string[]) => {
      writeFileSync(project, JSON.stringify({ compilerOptions, files: checked }));
      return run(resolve("node_modules/.bin/tsc"), ["-p", project]).then(
        () => "",
        (err: { stdout: string }) => err.stdout,
      );
    };
    expect(await tsc(files)).toBe("");
    // The control: the same check refuses a module that reads a typed array without the `!` the flag asks for.
    writeFileSync(files[0]!, source(fixtureModel({ scheme: "w8a16" }), "check_0").replace("const t0 = TANH_TABLE[k]!;", "const t0: number = TANH_TABLE[k];"));
    expect(await tsc([files[0]!])).toMatch(/check_0\.ts\(\d+,\d+\): error TS2322/);
  });
});

/** The module transpiled by the project's TypeScript and evaluated in a fresh realm: no process, require, Buffer or window. */
function load(text: string): Record<string, any> {
  const js = ts.transpileModule(text, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS } }).outputText;
  const exports: Record<string, unknown> = {};
  runInNewContext(js, { exports });
  return exports;
}

/** Deterministic normalised inputs, some far outside the calibrated range. */
function inputs(n: number, size: number): Float64Array[] {
  return Array.from({ length: n }, (_, t) => Float64Array.from({ length: size }, (_, k) => 3 * Math.sin(t / (2 + k)) + (t % 7 === 0 ? 40 * (k % 2 ? 1 : -1) : 0)));
}

describe("the module in a fresh JavaScript realm", () => {
  it("has none of Node's globals there (the control)", () => {
    const m = load("export const kinds = [typeof process, typeof require, typeof Buffer, typeof window, typeof Int16Array];");
    expect(m.kinds).toEqual(["undefined", "undefined", "undefined", "undefined", "function"]);
  });

  for (const scheme of ["w8a16", "w16a16", "w8a8"] as const) {
    for (const cell of ["standard", "seed"] as const) {
      it(`${scheme}, ${cell} cell: step and output give the simulator's outputs and state, bit for bit`, () => {
        const model = fixtureModel({ scheme, cell, mode: "stream", layers: 2, hidden: 5, inputSize: 3, outputs: 2, seed: 7 });
        const m = load(source(model));
        const sim = new Simulator(model);
        const state = m.createState();
        const x = m.newInput();
        const y = m.newOutput();
        for (const xq of quantizeInputs(model, inputs(60, 3))) {
          x.set(xq);
          m.step(state, x);
          m.output(state, y);
          expect(Array.from(y)).toEqual(Array.from(sim.step(xq)));
          expect(state.c.map((v: Int16Array) => Array.from(v))).toEqual(sim.state.c.map((v) => Array.from(v)));
          expect(state.h.map((v: Int16Array) => Array.from(v))).toEqual(sim.state.h.map((v) => Array.from(v)));
        }
        m.reset(state);
        expect(state.c.every((v: Int16Array) => v.every((e) => e === 0))).toBe(true);
      });
    }
  }

  it("a wrong constant in the module is seen by the same comparison (the test can fail)", () => {
    const model = fixtureModel({ scheme: "w8a16", mode: "stream", hidden: 4, inputSize: 3, seed: 7 });
    const text = source(model);
    const bias = /const L0_B = new Int32Array\(\[\n {2}(-?\d+),/.exec(text)!;
    const m = load(text.replace(bias[0], bias[0].replace(bias[1]!, String(Number(bias[1]) + 20000))));
    const sim = new Simulator(model);
    const state = m.createState();
    const y = m.newOutput();
    const differs = quantizeInputs(model, inputs(20, 3)).some((xq) => {
      m.step(state, Int16Array.from(xq));
      m.output(state, y);
      sim.step(xq);
      return state.c[0][0] !== sim.state.c[0]![0];
    });
    expect(differs).toBe(true);
  });

  it("predicts from a window as the simulator does from a reset state, oldest input first", () => {
    const model = fixtureModel({ scheme: "w8a8", mode: "window", window: 4, hidden: 5, inputSize: 3, outputs: 2, seed: 3 });
    const m = load(source(model));
    const window = m.createWindow();
    const state = m.createState();
    const y = m.newOutput();
    const xq = quantizeInputs(model, inputs(11, 3));
    xq.forEach((row, t) => {
      m.windowPush(window, Int8Array.from(row));
      expect(m.windowFull(window)).toBe(t >= 3);
      if (!m.windowFull(window)) return;
      m.predict(window, state, y);
      const sim = new Simulator(model);
      let expected: Int32Array = new Int32Array(0);
      for (const r of xq.slice(t - 3, t + 1)) expected = sim.step(r);
      expect(Array.from(y)).toEqual(Array.from(expected));
    });
    m.windowReset(window);
    expect(m.windowFull(window)).toBe(false);
    expect(() => m.windowPush(window, new Int8Array(2))).toThrow(/x holds 2 values, 3 expected/);
    // (The module's RangeError, of the other realm.)
    expect(() => m.step(state, new Int8Array(4))).toThrow(/x holds 4 values, 3 expected/);
    expect(() => m.output(state, new Int16Array(1))).toThrow(/y holds 1 values, 2 expected/);
  });

  it("quantizes sensor readings as the simulator's driver does (saturating, NaN to 0) and dequantizes outputs", () => {
    for (const scheme of ["w8a16", "w8a8"] as const) {
      const model = structuredClone(fixtureModel({ scheme, inputSize: 3, outputs: 2 }));
      model.normalization = { input: { mean: [10, -2.5, 0.1], scale: [3, 0.7, 12.5] }, output: { mean: [5, -1], scale: [2.5, 0.3] } };
      const m = load(source(model));
      const raws = [[10, -2.5, 0.1], [1e6, -1e6, 0], [13.3, -2.1, 7.77], [Number.NaN, 1, 2], [9.999, -2.49999, 0.1000001]];
      for (const raw of raws) {
        const x = m.newInput();
        m.quantizeInput(raw, x);
        const expected = quantizeInputs(model, [normalizeRow(raw, model.normalization.input)])[0]!;
        expect(Array.from(x)).toEqual(Array.from(expected));
      }
      const y = Int16Array.from([1234, -32768]);
      const out = new Float64Array(2);
      m.dequantizeOutput(y, out);
      const fy = model.fixed!.head.outFrac;
      expect(Array.from(out)).toEqual([1234 * 2 ** -fy * 2.5 + 5, -32768 * 2 ** -fy * 0.3 - 1]);
    }
  });

  it("f32: float32 arithmetic within 1e-4 of the TypeScript float32 engine", () => {
    const model = fixtureModel({ scheme: "f32", cell: "seed", mode: "stream", layers: 2, hidden: 5, inputSize: 3, outputs: 2 });
    const m = load(source(model));
    const engine = f32Engine(model);
    engine.reset();
    const state = m.createState();
    const y = m.newOutput();
    for (const x of inputs(40, 3)) {
      m.step(state, Float32Array.from(x));
      m.output(state, y);
      const expected = engine.step(x);
      Array.from(y).forEach((v, o) => expect(Math.abs((v as number) - expected[o]!)).toBeLessThanOrEqual(1e-4));
    }
  });
});

describe("the int64 requantisation in doubles", () => {
  /** (a·ma + b·mb + 2^(s-1)) >> s with BigInt, as the C computes it in int64. */
  const exact = (a: number, ma: number, b: number, mb: number, s: number) =>
    (BigInt(a) * BigInt(ma) + BigInt(b) * BigInt(mb) + (1n << BigInt(s - 1))) >> BigInt(s);

  it("equals BigInt for every shift 1 … 62 wherever the result is below 2^53, and saturates the same way beyond", () => {
    const functions = Array.from({ length: 63 }, (_, s) => {
      if (s === 0) return null;
      const c = requantizeCode([["a", "ma"], ["b", "mb"]], s);
      return new Function("a", "ma", "b", "mb", `${c.lines.join("\n")}\nreturn ${c.value};`) as (a: number, ma: number, b: number, mb: number) => number;
    });
    const acc = fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.constantFrom(-(2 ** 31), 2 ** 31, 2 ** 31 - 1, 0, -1, 1));
    const mult = fc.oneof(fc.integer({ min: 0, max: 2 ** 30 - 1 }), fc.constantFrom(0, 1, 2 ** 30 - 1, 2 ** 15, 2 ** 15 - 1));
    fc.assert(
      fc.property(acc, mult, acc, mult, fc.integer({ min: 1, max: 62 }), (a, ma, b, mb, s) => {
        const want = exact(a, ma, b, mb, s);
        const got = functions[s]!(a, ma, b, mb);
        const limit = 2n ** 53n;
        if (want <= limit && want >= -limit) expect(got).toBe(Number(want));
        else expect(Math.sign(got) === Math.sign(Number(want)) && Math.abs(got) > 2 ** 31).toBe(true);
      }),
      { numRuns: 20000 },
    );
  });
});
