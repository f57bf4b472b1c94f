/**
 * The generated files: committed golden output (regenerate with SEQFORGE_UPDATE_GOLDEN=1),
 * patterns that must and must not appear, byte-identical output on every run, the banner.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateC, type GeneratedFile } from "../../src/codegen/generate.js";
import { generateTsModule } from "../../src/codegen/ts/module.js";
import { generatorVersion } from "../../src/codegen/templates.js";
import { sizeFigures } from "../../src/codegen/figures.js";
import { InputError } from "../../src/errors.js";
import { fixtureModel, SCHEMES } from "./fixtures.js";
import { CELL_NAMES } from "../../src/model/cells.js";

const GOLDEN_DIR = join(import.meta.dirname, "golden");
const update = process.env.SEQFORGE_UPDATE_GOLDEN === "1";

const goldenCases = {
  "w8a16-window": () =>
    generateC(fixtureModel({ scheme: "w8a16", inputSize: 3, hidden: 4, mode: "window", window: 4 }), {
      prefix: "tiny",
      target: "cortex-m4",
      floatIo: false,
      generatorVersion: "0.0.0-golden",
    }),
  "f32-stream-float-io": () =>
    generateC(fixtureModel({ scheme: "f32", inputSize: 2, hidden: 3, outputs: 2, mode: "stream", cell: "seed" }), {
      prefix: "tiny_f32",
      target: "host",
      floatIo: true,
      generatorVersion: "0.0.0-golden",
    }),
  // The same two models as the TypeScript module (generate --lang ts).
  "ts-w8a16-window": () =>
    generateTsModule(fixtureModel({ scheme: "w8a16", inputSize: 3, hidden: 4, mode: "window", window: 4 }), { name: "tiny", generatorVersion: "0.0.0-golden" }),
  "ts-f32-stream": () =>
    generateTsModule(fixtureModel({ scheme: "f32", inputSize: 2, hidden: 3, outputs: 2, mode: "stream", cell: "seed" }), {
      name: "tiny_f32",
      generatorVersion: "0.0.0-golden",
    }),
};

const byName = (files: GeneratedFile[], name: string) => files.find((f) => f.name === name)!.content;
/** The code without its comments (the banner mentions float64, versions have dots). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");

describe("golden output", () => {
  for (const [name, make] of Object.entries(goldenCases)) {
    it(`${name} matches test/codegen/golden/${name}/ byte for byte`, () => {
      const files = make();
      const dir = join(GOLDEN_DIR, name);
      if (update) {
        mkdirSync(dir, { recursive: true });
        for (const f of files) writeFileSync(join(dir, f.name), f.content);
      }
      expect(existsSync(dir), `no golden files; run with SEQFORGE_UPDATE_GOLDEN=1 to write them`).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.name).sort());
      for (const f of files) {
        expect(f.content, `${name}/${f.name} differs from the golden file (SEQFORGE_UPDATE_GOLDEN=1 to accept)`).toBe(
          readFileSync(join(dir, f.name), "utf8"),
        );
      }
    });
  }
});

describe("reproducibility", () => {
  it("gives the same bytes when generated twice, for every scheme", () => {
    for (const scheme of SCHEMES) {
      const model = fixtureModel({ scheme, layers: 2 });
      const a = generateC(model, { prefix: "m", target: "cortex-m4", floatIo: true });
      const b = generateC(structuredClone(model), { prefix: "m", target: "cortex-m4", floatIo: true });
      expect(b).toEqual(a);
    }
  });

  it("writes --optimize into the model's C as SEQFORGE_OPTIMIZE_SIZE (speed by default), nothing else", () => {
    const model = fixtureModel({ scheme: "w8a16" });
    const c = (optimize?: "speed" | "size") => generateC(model, { prefix: "m", target: "host", floatIo: false, optimize }).find((f) => f.name === "m.c")!.content;
    expect(c()).toContain("#define SEQFORGE_OPTIMIZE_SIZE 0\n");
    expect(c("size")).toContain("#define SEQFORGE_OPTIMIZE_SIZE 1\n");
    expect(c("speed")).toBe(c());
    const strip = (text: string) => text.replace(/SEQFORGE_OPTIMIZE_SIZE \d|--optimize \w+|for (speed|size)/g, "");
    expect(strip(c("size"))).toBe(strip(c("speed")));
  });

  it("stores the w8a16 layer weights as w + 128 in uint8_t with offsetWeights, read by the offset kernel; nothing else changes", () => {
    const model = fixtureModel({ scheme: "w8a16", layers: 2, hidden: 5, inputSize: 3 });
    const c = (offsetWeights?: boolean) => byName(generateC(model, { prefix: "m", target: "cortex-m0", floatIo: false, offsetWeights }), "m.c");
    const plain = c();
    const offset = c(true);
    expect(c(false)).toBe(plain);
    const weights = (text: string, name: string) => {
      const body = new RegExp(`static const \\w+ m_${name}\\[[^=]*= \\{([\\s\\S]*?)\\n\\};`).exec(text)![1]!;
      return code(body).match(/-?\d+/g)!.map(Number);
    };
    // The same bytes where the kernel's own encoding stores w + 128 already (w8a16's paired i and g,
    // the even slots of each pair's 8: layout.ts), w + 128 for a plain int8 w everywhere else.
    for (const [name, n] of [["l0_wx", 3], ["l0_wh", 5], ["l1_wx", 5], ["l1_wh", 5]] as const) {
      expect(offset).toMatch(new RegExp(`static const uint8_t m_${name}\\[`));
      const pairSlots = 8 * Math.floor(n / 2);
      const expected = weights(plain, name).map((w, i) => (i % (4 * n) < pairSlots && i % 2 === 0 ? w & 0xff : w + 128));
      expect(weights(offset, name)).toEqual(expected);
    }
    // The head keeps its int8 weights; every other array is the same.
    expect(offset).toMatch(/static const int8_t m_head_w\[/);
    expect(weights(offset, "head_w")).toEqual(weights(plain, "head_w"));
    expect(code(offset)).toMatch(/seqforge_dot4_w8_a16_offset\(m_l0_wx\[j\], x, 3, acc\[0\]\)/);
    expect(code(offset)).toMatch(/acc\[1\]\[4\] = seqforge_offset_start_a16\(h, 5\);/);
    expect(code(plain)).toMatch(/acc\[1\]\[4\] = seqforge_ig_start_w8_a16\(h, 5\);/);
    expect(code(plain)).not.toMatch(/_offset/);
    // Schemes without an offset kernel are generated as without the option.
    for (const scheme of ["w16a16", "w8a8", "f32"] as const) {
      const other = fixtureModel({ scheme });
      expect(generateC(other, { prefix: "m", target: "cortex-m0", floatIo: false, offsetWeights: true })).toEqual(generateC(other, { prefix: "m", target: "cortex-m0", floatIo: false }));
    }
  });

  it("does not depend on the clock, the time zone or the locale", () => {
    const model = fixtureModel({ scheme: "w8a16" });
    const a = generateC(model, { prefix: "m", target: "host", floatIo: true });
    const tz = process.env.TZ;
    const realNow = Date.now;
    try {
      process.env.TZ = "Asia/Kolkata";
      Date.now = () => 0;
      expect(generateC(model, { prefix: "m", target: "host", floatIo: true })).toEqual(a);
    } finally {
      Date.now = realNow;
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    const text = a.map((f) => f.content).join("\n");
    expect(text).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
  });
});

describe("patterns", () => {
  const forbiddenEverywhere: [RegExp, string][] = [
    [/\bmalloc\b|\bcalloc\b|\brealloc\b|\bfree\s*\(/, "dynamic allocation"],
    [/\b_Static_assert\b/, "C11 static assertions"],
    // A declaration whose size is a lower-case name (a variable): sizes are numbers or macros.
    [/^\s*(?:const\s+)?(?:u?int(?:8|16|32|64)_t|float|double|char|int)\s+\w+\s*\[\s*[a-z_]/m, "a variable-length array"],
    [/\bstatic\s+[a-z0-9_]+\s+[a-z0-9_]+\s*\[[^\]]*\]\s*;/, "a mutable static array (globals)"],
    [/[ \t]+$/m, "trailing white space"],
  ];

  for (const scheme of SCHEMES) {
    for (const cell of ["standard", "seed"] as const) {
      for (const mode of ["window", "stream"] as const) {
        it(`${scheme}, ${cell} cell, ${mode} mode`, () => {
          const model = fixtureModel({ scheme, cell, mode, layers: 2, hidden: 5, inputSize: 3 });
          const files = generateC(model, { prefix: "pump", target: "cortex-m4", floatIo: false });
          const h = byName(files, "pump.h");
          const c = byName(files, "pump.c");
          for (const text of [h, c]) for (const [re, what] of forbiddenEverywhere) expect(text, what).not.toMatch(re);
          // The C API the bench driver and users rely on.
          for (const macro of ["INPUT_SIZE", "OUTPUT_SIZE", "HIDDEN_SIZE", "LAYERS", "WINDOW", "MACS_PER_STEP", "FLASH_BYTES", "RAM_BYTES"]) {
            expect(h).toMatch(new RegExp(`^#define PUMP_${macro}\\s+\\d+`, "m"));
          }
          for (const decl of [
            /typedef (int16_t|int8_t|float) pump_in_t;/,
            /typedef (int16_t|float) pump_out_t;/,
            /} pump_state_t;/,
            /void pump_reset\(pump_state_t \*state\);/,
            /void pump_step\(pump_state_t \*state, const pump_in_t x\[PUMP_INPUT_SIZE\]\);/,
            /void pump_output\(const pump_state_t \*state, pump_out_t y\[PUMP_OUTPUT_SIZE\]\);/,
          ]) {
            expect(h).toMatch(decl);
          }
          const windowApi = [/} pump_window_t;/, /void pump_window_push\(pump_window_t \*w, const pump_in_t x\[PUMP_INPUT_SIZE\]\);/, /void pump_predict\(const pump_window_t \*w, pump_state_t \*state, pump_out_t y\[PUMP_OUTPUT_SIZE\]\);/];
          for (const re of windowApi) expect(re.test(h)).toBe(mode === "window");
          expect(h).toMatch(/^#ifndef PUMP_H\n#define PUMP_H$/m);
          expect(h).not.toMatch(/quantize_input|dequantize_output/);
          expect(c).toMatch(/static const/);
          expect(c).toMatch(/typedef char pump_check_state_bytes\[sizeof\(pump_state_t\) == PUMP_STATE_BYTES \? 1 : -1\];/);
          if (scheme === "f32") {
            expect(files.map((f) => f.name)).not.toContain("seqforge_runtime.h");
          } else {
            // No floating point anywhere in an integer model: no float type, no literal, no libm.
            expect(code(c)).not.toMatch(/\bfloat\b|\bdouble\b|\d\.\d|math\.h|\bexpf?\b|\btanhf?\b\(/);
            expect(code(h)).not.toMatch(/\bfloat\b|\bdouble\b/);
            const rt = byName(files, "seqforge_runtime.h");
            expect(rt).toMatch(/typedef char seqforge_check_arithmetic_shift_32\[/);
            expect(code(rt)).not.toMatch(/\bfloat\b|\bdouble\b|malloc/);
          }
        });
      }
    }
  }

  it("emits the float helpers only with --float-io, and then they apply the normalisation", () => {
    const model = fixtureModel({ scheme: "w8a16" });
    const files = generateC(model, { prefix: "pump", target: "host", floatIo: true });
    expect(byName(files, "pump.h")).toMatch(/void pump_quantize_input\(const float raw\[PUMP_INPUT_SIZE\], pump_in_t x\[PUMP_INPUT_SIZE\]\);/);
    expect(byName(files, "pump.h")).toMatch(/void pump_dequantize_output\(const pump_out_t y\[PUMP_OUTPUT_SIZE\], float out\[PUMP_OUTPUT_SIZE\]\);/);
    expect(byName(files, "pump.c")).toMatch(/pump_in_mean\[PUMP_INPUT_SIZE\]/);
  });
});

describe("banner and figures", () => {
  it("names the model, scheme, source hash, generator version, flash, RAM and accuracy", () => {
    const model = fixtureModel({ scheme: "w8a8", inputSize: 8, hidden: 32, mode: "stream" });
    const files = generateC(model, { prefix: "motor", target: "cortex-m4", floatIo: false });
    const h = byName(files, "motor.h");
    const top = h.slice(0, h.indexOf("*/"));
    expect(top).toContain(`generated by seqforge ${generatorVersion()}`);
    expect(top).toContain("w8a8");
    expect(top).toContain(model.source.modelHash);
    expect(top).toContain(model.hash);
    expect(top).toMatch(/flash\s+[\d,]+ bytes/);
    expect(top).toMatch(/RAM\s+[\d,]+ bytes/);
    expect(top).toMatch(/accuracy\s+vs float64/);
    const fig = sizeFigures(model);
    expect(h).toMatch(new RegExp(`#define MOTOR_FLASH_BYTES\\s+${fig.flashBytes}\\b`));
    expect(h).toMatch(new RegExp(`#define MOTOR_RAM_BYTES\\s+${fig.ramBytes}\\b`));
    // Model M of the benchmark: weights, biases, multipliers (the table is the runtime's, counted
    // once per image); state c int16 + h int8, scratch h.
    expect(fig.flashBytes).toBe(4 * 32 * (8 + 32) + 4 * 32 * 12 + 32 + 8);
    expect(top).toMatch(/the nonlinearity table \(1,026 bytes\) is seqforge_runtime\.c's, one per firmware image/);
    expect(fig.stateBytes).toBe(32 * 3);
    expect(fig.ramBytes).toBe(32 * 3 + 32);
    expect(fig.macsPerStep).toBe(4 * 32 * 40);
  });

  it("refuses a model file whose nonlinearity table is not the specification's (the runtime's)", () => {
    const model = fixtureModel({ scheme: "w8a16" });
    // The control: the quantizer's table passes.
    expect(() => generateC(model, { prefix: "m", target: "host", floatIo: false })).not.toThrow();
    const bent = structuredClone(model);
    bent.fixed!.nonlinearity.table[100] = bent.fixed!.nonlinearity.table[100]! + 1;
    expect(() => generateC(bent, { prefix: "m", target: "host", floatIo: false })).toThrow(InputError);
    expect(() => generateC(bent, { prefix: "m", target: "host", floatIo: false })).toThrow(
      /field fixed\.nonlinearity\.table\[100\]: \d+, but the specification's table .* has \d+/,
    );
    const short = structuredClone(model);
    short.fixed!.nonlinearity.table.pop();
    expect(() => generateC(short, { prefix: "m", target: "host", floatIo: false })).toThrow(/512 entries, but the specification's table .* has 513/);
  });

  it("refuses a window the ring buffer cannot index", () => {
    const model = fixtureModel({ scheme: "w8a16" });
    const big = { ...model, architecture: { ...model.architecture, window: 70000 } };
    expect(() => generateC(big, { prefix: "m", target: "host", floatIo: false })).toThrow(InputError);
  });
});

describe("the cell table and the C templates", () => {
  it("every cell of model/cells.ts has its cell-update blocks in both model templates", () => {
    for (const file of ["model-int.c.hbs", "model-f32.c.hbs"]) {
      const text = readFileSync(join("templates", "model", file), "utf8");
      for (const cell of CELL_NAMES) {
        // The layer comment and the unit loop: a cell without both would generate no update.
        expect(text.split(`{{#if ../cell.${cell}}}`).length - 1, `${file}: ${cell}`).toBe(2);
      }
    }
  });
});
