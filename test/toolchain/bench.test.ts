/**
 * Fast tests of the bench's pieces that need no QEMU: reading the linker map, attributing
 * sections to the model, holding declared arrays against the map, parsing the driver's output
 * and the header's figures, the reference models, and the tables (which must say that the
 * counts are instructions, not cycles).
 */
import { describe, expect, it } from "vitest";
import { attributeSizes } from "../../src/bench/attribute.js";
import { checkConstArrays, declaredConstArrays } from "../../src/bench/const-arrays.js";
import { renderBenchDriver } from "../../src/bench/driver.js";
import { parseHeaderFigures } from "../../src/bench/header-figures.js";
import { parseMapFile, sectionKind, sectionSymbol } from "../../src/bench/map-file.js";
import { parseDriverOutput } from "../../src/bench/output.js";
import { referenceFloatModel, referenceQuantModel, REFERENCE_MODELS } from "../../scripts/reference-models.js";
import { benchReport } from "../../src/bench/report.js";
import { comparisonTable, resultsMarkdown, sizeGoalChecks } from "../../scripts/results-report.js";
import type { BenchResult } from "../../src/bench/bench-model.js";

const MAP = `Archive member included to satisfy reference by file (symbol)

Discarded input sections

 .text.unused   0x00000000       0x40 /b/obj/0-m.o

Memory Configuration

Linker script and memory map

 .text.m_step   0x00000100       0x80 /b/obj/0-m.o
 .text.a_very_long_function_name_that_wraps
                0x00000180       0x24 /b/obj/0-m.o
 .text          0x000001a4       0x30 /usr/lib/gcc/arm-none-eabi/12.2.1/thumb/v6-m/nofp/libgcc.a(_muldi3.o)
                0x000001a4                __aeabi_lmul
 .rodata.m_w    0x00000200      0x400 /b/obj/0-m.o
 .rodata.m_table
                0x00000600      0x402 /b/obj/0-m.o
 .rodata.bench_inputs
                0x00000a04       0x60 /b/obj/1-bench_main.o
 *fill*         0x00000a64        0x4
 .bss.bench_state
                0x20000000       0x80 /b/obj/1-bench_main.o
 .bss.zero      0x20000080        0x0 /b/obj/0-m.o
`;

describe("linker map", () => {
  it("reads placed sections on one line or two, skipping discarded and empty ones", () => {
    const s = parseMapFile(MAP);
    expect(s.map((x) => x.section)).toEqual([
      ".text.m_step", ".text.a_very_long_function_name_that_wraps", ".text", ".rodata.m_w", ".rodata.m_table", ".rodata.bench_inputs", ".bss.bench_state",
    ]);
    expect(s[1]).toEqual({ section: ".text.a_very_long_function_name_that_wraps", address: 0x180, size: 0x24, file: "/b/obj/0-m.o" });
    expect(sectionSymbol(".rodata.m_w")).toBe("m_w");
    expect(sectionKind(".bss.bench_state")).toBe("bss");
    // The compiler's literal pool goes with the code (on Arm it is inside .text); a declared array is const.
    expect(sectionKind(".rodata.cst4")).toBe("code");
    expect(sectionKind(".srodata.cst8")).toBe("code");
    expect(sectionKind(".rodata.cst4_table")).toBe("const");
    expect(() => parseMapFile("nothing here")).toThrow(/not a GNU ld map file/);
  });

  it("attributes const data and code to the model's object, library routines apart, the state to the driver", () => {
    const sizes = attributeSizes({
      sections: parseMapFile(MAP),
      modelObjects: ["/b/obj/0-m.o"],
      undefinedSymbols: ["__aeabi_lmul"],
      imageSymbols: [{ name: "__aeabi_lmul", address: 0x1a5, size: 0, type: "T" }],
      stateSymbol: "bench_state",
    });
    expect(sizes).toMatchObject({ constBytes: 0x802, codeBytes: 0xa4, staticRamBytes: 0, libraryBytes: 0x30, stateBytes: 0x80 });
    expect(sizes.library).toEqual([{ symbol: "__aeabi_lmul", bytes: 0x30 }]);
    expect(sizes.symbols[0]).toEqual({ symbol: "m_table", bytes: 0x402, kind: "const" });
  });

  it("finds library routines in an image placed at 0x80000000 and above", () => {
    const high = MAP.replaceAll("0x00000", "0x80000").replace("0x20000000", "0x80400000").replace("0x20000080", "0x80400080");
    const sizes = attributeSizes({
      sections: parseMapFile(high),
      modelObjects: ["/b/obj/0-m.o"],
      undefinedSymbols: ["__aeabi_lmul"],
      imageSymbols: [{ name: "__aeabi_lmul", address: 0x800001a4, size: 0, type: "T" }],
      stateSymbol: "bench_state",
    });
    expect(sizes).toMatchObject({ constBytes: 0x802, codeBytes: 0xa4, libraryBytes: 0x30, stateBytes: 0x80 });
    expect(sizes.library).toEqual([{ symbol: "__aeabi_lmul", bytes: 0x30 }]);
  });

  it("holds declared constant arrays against the map, naming folded and mismatched ones", () => {
    const declared = declaredConstArrays(
      "static const int8_t m_w[128][8] SEQFORGE_WEIGHTS_ALIGNED = {\n};\nstatic const int16_t m_table[513] = {\n};\nstatic const int32_t m_head_b[1] = {\n 5 };\n",
    );
    expect(declared).toEqual([{ symbol: "m_w", bytes: 1024 }, { symbol: "m_table", bytes: 1026 }, { symbol: "m_head_b", bytes: 4 }]);
    const ok = checkConstArrays(declared, [{ symbol: "m_w", bytes: 1024 }, { symbol: "m_table", bytes: 1026 }]);
    expect(ok).toEqual({ declaredBytes: 2054, folded: [{ symbol: "m_head_b", bytes: 4 }], mismatches: [] });
    const bad = checkConstArrays(declared, [{ symbol: "m_w", bytes: 1000 }, { symbol: "stray", bytes: 8 }]);
    expect(bad.mismatches).toEqual(["m_w: 1000 bytes placed, 1024 declared", "stray: 8 bytes of constant data not declared as an array"]);
  });
});

describe("driver", () => {
  it("renders inputs as C literals of the model's input type", () => {
    const c = renderBenchDriver({ prefix: "motor", header: "motor.h", inputs: [[1, -2], [3, 4]], float: false });
    expect(c).toContain('#include "motor.h"');
    expect(c).toContain("static const motor_in_t bench_inputs[BENCH_STEPS][MOTOR_INPUT_SIZE] = {\n    { 1, -2 },\n    { 3, 4 },\n};");
    expect(c).not.toContain("motor_window_t");
    const f = renderBenchDriver({ prefix: "m", header: "m.h", inputs: [[0.1, 2]], float: true, window: true });
    expect(f).toContain("{ 0.100000001f, 2.00000000f }");
    expect(f).toContain("m_predict(&bench_window, &bench_state, bench_output);");
    expect(() => renderBenchDriver({ prefix: "m", header: "m.h", inputs: [[0.5]], float: false })).toThrow(/integer input expected/);
  });

  it("parses the driver's figures and outputs, and refuses output without them", () => {
    const r = parseDriverOutput(
      "bench steps=4 reset_ticks=7 step_ticks=400 output_ticks=40 min_ticks=109 max_ticks=111 stack_bytes=96 step_stack_bytes=88 state_bytes=64\nbench y=-3,12\nbench predict_ticks=900 predict_wrapped=0 window_bytes=36\n",
    );
    expect(r).toEqual({
      steps: 4, resetTicks: 7, stepTicks: 400, outputTicks: 40, minTicks: 109, maxTicks: 111, stackBytes: 96, stepStackBytes: 88, stateBytes: 64,
      y: [-3, 12], predictTicks: 900, predictWrapped: false, windowBytes: 36,
    });
    // A prediction that wrapped the 24-bit counter has no count, never a count modulo 2^24.
    const wrapped = parseDriverOutput(
      "bench steps=4 reset_ticks=7 step_ticks=400 output_ticks=40 min_ticks=109 max_ticks=111 stack_bytes=96 step_stack_bytes=88 state_bytes=64\nbench y=-3,12\nbench predict_ticks=900 predict_wrapped=1 window_bytes=36\n",
    );
    expect([wrapped.predictTicks, wrapped.predictWrapped, wrapped.windowBytes]).toEqual([null, true, 36]);
    expect(() => parseDriverOutput("seqforge: the program faulted\n")).toThrow(/printed no figures/);
  });

  it("reads the figures a generated header states", () => {
    const h = "#define M_MACS_PER_STEP   5120  /* x */\n#define M_MACS_PER_OUTPUT 32\n#define M_FLASH_BYTES     7722\n#define M_RAM_BYTES       192\n#define M_STATE_BYTES     128\n";
    expect(parseHeaderFigures(h, "m")).toEqual({ flashBytes: 7722, ramBytes: 192, stateBytes: 128, windowBytes: null, macsPerStep: 5120, macsPerOutput: 32 });
    expect(() => parseHeaderFigures("#define M_RAM_BYTES 1\n", "m")).toThrow(/lacks M_FLASH_BYTES/);
  });
});

describe("reference models", () => {
  it("are S, M, L with one standard layer and one output, the same for the same seed", () => {
    expect(REFERENCE_MODELS.map((s) => [s.name, s.inputSize, s.hiddenSize])).toEqual([["S", 3, 16], ["M", 8, 32], ["L", 40, 64]]);
    const a = referenceFloatModel(REFERENCE_MODELS[0]!, 1);
    expect(a.architecture).toMatchObject({ cell: "standard", layers: 1, outputSize: 1, mode: "stream" });
    expect(referenceFloatModel(REFERENCE_MODELS[0]!, 1)).toEqual(a);
    expect(referenceFloatModel(REFERENCE_MODELS[0]!, 2).weights).not.toEqual(a.weights);
    const q = referenceQuantModel(REFERENCE_MODELS[0]!);
    expect(q.scheme).toBe("w8a16");
    expect(referenceQuantModel(REFERENCE_MODELS[0]!).hash).toBe(q.hash);
  });
});

describe("tables", () => {
  const row = (target: string, model: string, ips: number, flash: number, ram: number): BenchResult =>
    ({
      target, model, optimize: "speed", scheme: "w8a16", mode: "stream", inputSize: 8, hiddenSize: 32, layers: 1, outputSize: 1,
      instructionsPerStep: ips, minInstructionsPerStep: ips, maxInstructionsPerStep: ips, stepInstructions: ips - 100,
      outputInstructions: 100, macsPerStep: 5152, instructionsPerMac: ips / 5152, instructionsPerPrediction: null,
      flashBytes: flash, constBytes: flash - 1400, codeBytes: 1000, libraryBytes: 400, libraryRoutines: ["__aeabi_lmul", "memcpy"], ramBytes: ram, stateBytes: ram - 64,
      scratchBytes: 64, windowBytes: 0, stackBytes: 150, stepStackBytes: 140, stepRamBytes: ram - 64 + 140, foldedConstBytes: 0,
      header: { flashBytes: flash - 1000, ramBytes: ram, stateBytes: ram - 64, windowBytes: null, macsPerStep: 5120, macsPerOutput: 32 },
      headerAgrees: target !== "cortex-m0", headerDisagreements: target === "cortex-m0" ? ["STATE_BYTES 1, the map places 2"] : [],
      instructionsPerTick: 1.25, steps: 32,
    }) as BenchResult;
  const results = [row("cortex-m0", "ref_m", 64_744, 9_230, 192), row("cortex-m4", "ref_m", 29_637, 8_890, 192)];

  it("say that the counts are instructions, not cycles, and warn where the header disagrees", () => {
    const text = benchReport(results);
    expect(text).toMatch(/instructions executed per step .* not cycles/);
    expect(text).toContain("| cortex-m4 | ref_m (8→32×1→1, stream) | speed | w8a16 | 29,637 |");
    // RAM in step: state + scratch + the rest of the step's stack (the scratch is inside it).
    expect(text).toContain("| 268 (128+64+76) |");
    expect(text).toContain("warning: cortex-m0, ref_m: the header's figures disagree with the image: STATE_BYTES 1, the map places 2");
  });

  it("check the size goal for M", () => {
    expect(sizeGoalChecks(results)).toEqual([
      { target: "cortex-m0", flashBytes: 9_230, constBytes: 7_830, codeBytes: 1000, libraryBytes: 400, libraryRoutines: ["__aeabi_lmul", "memcpy"], ramBytes: 192, stepRamBytes: 268, flashMet: false, ramMet: true, stepRamMet: null },
      { target: "cortex-m4", flashBytes: 8_890, constBytes: 7_490, codeBytes: 1000, libraryBytes: 400, libraryRoutines: ["__aeabi_lmul", "memcpy"], ramBytes: 192, stepRamBytes: 268, flashMet: true, ramMet: true, stepRamMet: true },
    ]);
    // The goal's table counts the library routines in the flash it compares, and names them.
    expect(resultsMarkdown(results, { compiler: "gcc", qemu: "qemu", seed: 1 }, {}, null)).toContain(
      "| cortex-m0 | M | 9,230 | 7,830 | 1,000 | 400 | __aeabi_lmul, memcpy | **not met** | 192 | met | 268 | – |",
    );
  });
});
