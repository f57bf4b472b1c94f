/**
 * The integer schemes' step in TypeScript: docs/fixed-point.md "The step, stage by stage", the
 * same operations in the same order as the simulator (src/quant/simulator.ts) and the C
 * (templates/model/model-int.c.hbs), so that every value is the same integer.
 *
 * Where each operation's range lives in JavaScript (numbers are doubles, exact to 2^53; the
 * bitwise operators and Math.imul work on int32):
 *   dot products, w8 schemes     int32 sums, as the C's (the quantizer bounds every row below 2^31)
 *   dot products, w16a16         int64 in the C: each product is below 2^30 and a row shorter than
 *                                2^23, so the sum stays below 2^53 and a double holds it exactly
 *   requantisation               products up to 2^61: multipliers split into 15-bit halves
 *   nonlinearities, cell         int32 throughout (docs/fixed-point.md steps 2 and 3): Math.imul, >>
 * Every shift is a literal of the function it is in (one requantisation function per layer), so
 * the compiler folds the powers of two and divides by a constant.
 */
import { InputError } from "../../errors.js";
import type { CellKind } from "../../model/cells.js";
import type { FixedPoint, IntLayer, QuantModel } from "../../model/quant-model-file.js";
import { layerInputText } from "../view.js";
import { integerFacts, type IntegerScheme } from "../../model/schemes.js";
import { buildTanhTable } from "../../quant/nonlinearity.js";
import { unitMajorRows, unitMajorValues } from "../layout.js";
import { block, constant, fn, type Code } from "./code.js";
import { groupedRows, indexedLines, intText, labelledRows } from "./literals.js";
import type { ModuleTypes, SchemeParts } from "./module.js";

const GATES = ["i", "f", "g", "o"] as const;

/** Rows of a w16a16 dot product must be shorter than 2^23 for a double to hold their int64 sum exactly. */
const MAX_WIDE_ROW = 2 ** 23;

/** 2^n as the generated code writes it: `2 ** n` (folded by the compiler), `1` and `2` for n = 0 and 1. */
function pow2(n: number): string {
  return n <= 1 ? String(2 ** n) : `2 ** ${n}`;
}

/** v in Q from to Q to, as the simulator's rescale (src/quant/int-ops.ts): exact when finer, else rshr. */
function rescaleCode(v: string, from: number, to: number): string {
  if (to === from) return v;
  return to > from ? `${v} * ${pow2(to - from)}` : `rshr(${v}, ${from - to})`;
}

/** rshr(v, n) of an int64 sum held exactly in a double: floor((v + 2^(n-1)) / 2^n), n ≥ 1. */
function rshr64(v: string, n: number): string {
  return `Math.floor((${v} + ${pow2(n - 1)}) / ${pow2(n)})`;
}

/**
 * The int64 requantisation (Σ acc·m + 2^(s-1)) >> s of docs/fixed-point.md (steps 1 and 4), for
 * |acc| ≤ 2^31 and 0 ≤ m < 2^30, as lines that set `hi` and `lo` and an expression of them. Each
 * multiplier is split into 15-bit halves, m = mh·2^15 + ml, so that hi = Σ acc·mh and lo = Σ acc·ml
 * are exact (below 2^47) and the sum is hi·2^15 + lo. For s > 15 the rounding constant joins hi
 * and lo's part below 2^15 cannot change the floor; for s ≤ 15 the result is hi·2^(15-s) + rshr(lo,
 * s), exact up to 2^53, beyond which it only has to saturate to int32 as the C's does.
 */
export function requantizeCode(terms: [acc: string, multiplier: string][], s: number): { lines: string[]; value: string } {
  const sum = (half: (m: string) => string) => terms.map(([acc, m]) => `${acc} * ${half(m)}`).join(" + ");
  return {
    lines: [`const hi = ${sum((m) => `(${m} >> 15)`)};`, `const lo = ${sum((m) => `(${m} & 0x7fff)`)};`],
    value:
      s > 15
        ? `Math.floor((hi + ${pow2(s - 16)} + Math.floor(lo / 2 ** 15)) / ${pow2(s - 15)})`
        : `${s === 15 ? "hi" : `hi * ${pow2(15 - s)}`} + Math.floor((lo + ${pow2(s - 1)}) / ${pow2(s)})`,
  };
}

/**
 * Each cell's integer update of unit j (docs/fixed-point.md step 3) from its gates i, f, g, o and
 * c[j]: the new c into c[j] and the new h into H_NEW[j], and the formulas for the layer's doc
 * comment (with their Q formats). All int32: products of two Q15 values, or of Q15 and c.
 */
const CELL_UPDATE: Record<CellKind, (layer: IntLayer) => { code: string[]; doc: [formula: string, format: string][] }> = {
  standard: (layer) => {
    const fc = layer.cFrac;
    // c' in Q15 as an int32 (exact: |c'| ≤ 2^15, fc ≥ 0) is what tanh reads.
    const cToQ15 = fc === 15 ? "cn" : `cn << ${15 - fc}`;
    const a8 = layer.hBits === 8;
    return {
      code: [
        `const cn = sat16(rshr(Math.imul(f, c[j]!), 15) + rshr(Math.imul(i, g), ${30 - fc})); // c'`,
        "c[j] = cn;",
        a8 ? `H_NEW[j] = sat8(rshr(Math.imul(o, tanhQ15(${cToQ15})), 23)); // h'` : `H_NEW[j] = rshr(Math.imul(o, tanhQ15(${cToQ15})), 15); // h'`,
      ],
      doc: [
        [`c' = sat16(rshr(f·c, 15) + rshr(i·g, ${30 - fc}))`, `Q${fc}`],
        [a8 ? `h' = sat8(rshr(o·tanh(c'·2^${15 - fc}), 23))` : `h' = rshr(o·tanh(c'·2^${15 - fc}), 15)`, `Q${layer.hFrac}`],
      ],
    };
  },
  seed: (layer) => {
    const fc = layer.cFrac;
    // a8: c'·o (Q fc+15) to h's own Q fh; a16: fh = fc.
    const hShift = layer.hBits === 8 ? 15 + fc - layer.hFrac : 15;
    const h = layer.hBits === 8 ? `sat8(rshr(Math.imul(cn, o), ${hShift}))` : "rshr(Math.imul(cn, o), 15)";
    return {
      code: [`const cn = sat16(rshr(Math.imul(g, i), ${30 - fc}) + rshr(Math.imul(c[j]!, f), 15)); // c'`, "c[j] = cn;", `H_NEW[j] = ${h}; // h'`],
      doc: [
        [`c' = sat16(rshr(g·i, ${30 - fc}) + rshr(c·f, 15))`, `Q${fc}`],
        [layer.hBits === 8 ? `h' = sat8(rshr(c'·o, ${hShift}))` : "h' = rshr(c'·o, 15)", `Q${layer.hFrac}`],
      ],
    };
  },
};

/** The int8 / int16 name of a typed array, for documentation. */
function cType(t: string): string {
  return t === "Int8Array" ? "int8" : "int16";
}

/** One line per hidden unit: its four gate rows' values (i, f, g, o). */
function perUnit(values: number[], H: number): string[] {
  return labelledRows(unitMajorValues(values, H).map(intText), 4, (j) => `unit ${j}: i, f, g, o`);
}

/** The weights of a gate matrix [4H × n], unit-major (row 4j + g is gate g of unit j), labelled. */
function unitRows(values: number[], H: number, n: number): string[] {
  return groupedRows(unitMajorRows(values, H, n).map(intText), n, 4, (j) => `unit ${j}`, (g) => GATES[g]!);
}

/** Formula lines of a doc comment, the formats aligned in a column. */
function formulas(rows: [formula: string, format: string][]): string[] {
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, q]) => `  ${f.padEnd(width)}  ${q}`.trimEnd());
}

function layerParts(model: QuantModel, l: number, layer: IntLayer, types: ModuleTypes): SchemeParts["implementation"] {
  const a = model.architecture;
  const H = a.hiddenSize;
  const I = l === 0 ? a.inputSize : H;
  const wide = integerFacts(model.scheme as IntegerScheme).accumulatorBits === 64;
  if (wide && Math.max(I, H) >= MAX_WIDE_ROW) {
    throw new InputError("model", `field fixed.layers[${l}]`, `rows of ${Math.max(I, H)} values; the TypeScript module holds an int64 row sum exactly for rows shorter than 2^23`);
  }
  const P = `L${l}_`;
  const fixed = model.fixed!;
  const inType = l === 0 ? types.x : types.h;
  const fc = layer.cFrac;
  const S = layer.shift;
  const preactivation = `layer${l}Preactivation`;
  const gateSum = requantizeCode([["ax", "mx"], ["ah", "mh"]], S);

  // The four rows' dot products with v (x or h, n values), two inputs per iteration (fewer loop
  // steps and loads of v; the int32 sums are exact in any order), then the odd one out.
  const accumulate = (v: "x" | "h", n: number): Code[] => {
    const w = `w${v}`;
    // Row gi of the unit, input k (a loop variable, or a literal folded with the row's offset).
    const at = (gi: number, k: string | number) =>
      typeof k === "number" ? `${w}[o${v} + ${gi * n + k}]!` : `${w}[o${v} + ${gi === 0 ? "" : `${gi * n} + `}${k}]!`;
    const pairs = n - (n % 2);
    const code: Code[] = [];
    if (pairs > 0) {
      code.push(
        block(
          `for (let k = 0; k < ${pairs}; k += 2)`,
          `const v0 = ${v}[k]!;`,
          `const v1 = ${v}[k + 1]!;`,
          ...GATES.map((g, gi) => `${v}${g} += Math.imul(${at(gi, "k")}, v0) + Math.imul(${at(gi, "k + 1")}, v1);`),
        ),
      );
    }
    if (n % 2 === 1) {
      code.push(`const ${v}Last = ${v}[${n - 1}]!; // the odd one out of the pairs`, ...GATES.map((g, gi) => `${v}${g} += Math.imul(${at(gi, n - 1)}, ${v}Last);`));
    }
    return code;
  };
  const reduce = (v: "x" | "h", shift: number): Code[] =>
    wide && shift > 0 ? GATES.map((g) => `${v}${g} = ${rshr64(`${v}${g}`, shift)}; // rshr(acc_${v}, ${shift})`) : [];
  const gate = (g: number): string => {
    const row = g === 0 ? "r" : `r + ${g}`;
    return `const ${GATES[g]} = ${g === 2 ? "tanhQ15" : "sigmoidQ15"}(${preactivation}(x${GATES[g]}, h${GATES[g]}, ${row}));`;
  };
  const { code: cell, doc: cellDoc } = CELL_UPDATE[a.cell](layer);
  const inputs = `${I} input${I === 1 ? "" : "s"}`;
  const wName = cType(types.w);
  return [
    constant({
      name: `${P}WX`,
      leading: `// ---- Layer ${l}: ${inputs} (${layerInputText(fixed, l)} ${cType(inType)}) -> ${H} units; c in Q${fc}, h in Q${layer.hFrac} (${cType(types.h)}) ----\n\n`,
      doc: {
        text:
          `Input weights of layer ${l}, ${wName} [${H} units][4 gates (i, f, g, o)][${inputs}]: row 4·j + g is gate g of unit j, so that ` +
          `a unit's four rows are read one after the other. Real weight = w · its row's scale, folded into ${P}MX.`,
      },
      typedArray: { type: types.w, lines: unitRows(layer.wx, H, I) },
    }),
    constant({
      name: `${P}WH`,
      doc: { text: `Recurrent weights of layer ${l}, ${wName} [${H} units][4 gates][${H} values of h], ordered as ${P}WX; scales folded into ${P}MH.` },
      typedArray: { type: types.w, lines: unitRows(layer.wh, H, H) },
    }),
    constant({
      name: `${P}MX`,
      doc: { text: `Requantisation multipliers of acc_x (below 2^30), one per gate row, ordered as ${P}WX.` },
      typedArray: { type: "Int32Array", lines: perUnit(layer.mx, H) },
    }),
    constant({
      name: `${P}MH`,
      doc: { text: "Requantisation multipliers of acc_h (below 2^30), one per gate row." },
      typedArray: { type: "Int32Array", lines: perUnit(layer.mh, H) },
    }),
    constant({
      name: `${P}B`,
      doc: { text: "Gate biases in z's Q15 (int32), one per gate row." },
      typedArray: { type: "Int32Array", lines: perUnit(layer.bias, H) },
    }),
    fn({
      name: preactivation,
      doc: {
        text: [
          `The pre-activation of gate row r of layer ${l}, int32 in Q15 (docs/fixed-point.md step 1):`,
          `  z = sat32(((ax·mx[r] + ah·mh[r] + 2^${S - 1}) >> ${S}) + b[r])`,
          "The C computes the sum in int64, and its products reach 2^61, beyond the integers a double holds exactly " +
            "(2^53). So each multiplier is split into 15-bit halves, m = mh·2^15 + ml: hi = ax·mxh + ah·mhh and " +
            `lo = ax·mxl + ah·mhl are exact (below 2^47), and the sum is hi·2^15 + lo. ` +
            (S > 15
              ? "With the shift above 15, lo's part below 2^15 cannot change the floor."
              : "With a shift of 15 or less the result is exact below 2^53, beyond which it only has to saturate as the C's does."),
        ].join("\n"),
        tags: [
          { name: "param", text: "ax acc_x of the row, int32" },
          { name: "param", text: "ah acc_h of the row, int32" },
          { name: "param", text: "r the row, in the weights' order" },
        ],
      },
      params: [
        ["ax", "number"],
        ["ah", "number"],
        ["r", "number"],
      ],
      returns: "number",
      code: [
        `const mx = ${P}MX[r]!;`,
        `const mh = ${P}MH[r]!;`,
        ...gateSum.lines,
        `return sat32(${gateSum.value} + ${P}B[r]!);`,
      ],
    }),
    fn({
      name: `layer${l}`,
      doc: {
        text: [
          `One time step of layer ${l}, per unit j (docs/fixed-point.md "The step"):`,
          ...formulas([
            ["acc_x = wx·x,  acc_h = wh·h", wide ? `int64, reduced by rshr(acc_x, ${layer.accShiftX}), rshr(acc_h, ${layer.accShiftH})` : "int32"],
            [`z = sat32(((acc_x·mx + acc_h·mh + 2^${S - 1}) >> ${S}) + b)`, "Q15"],
            ["i, f, o = sigmoid(z);  g = tanh(z)", "Q15"],
            ...cellDoc,
          ]),
        ].join("\n"),
        tags: [
          { name: "param", text: `x the layer's input: ${inputs}, ${layerInputText(fixed, l)}` },
          { name: "param", text: `h the layer's hidden state, Q${layer.hFrac}: read by every gate row, then replaced by h'` },
          { name: "param", text: `c the layer's cell state, Q${fc}: updated in place` },
        ],
      },
      params: [
        ["x", inType],
        ["h", types.h],
        ["c", types.c],
      ],
      returns: "void",
      code: [
        "// The weights in locals: the loops then read them without a lookup in the module's scope.",
        `const wx = ${P}WX;`,
        `const wh = ${P}WH;`,
        block(
          `for (let j = 0; j < ${H}; j++)`,
          `const r = 4 * j; // unit j's gate rows: i at r, then f, g, o`,
          `const ox = r * ${I}; // where they start in ${P}WX`,
          `const oh = r * ${H}; // and in ${P}WH`,
          ...GATES.map((g) => `let x${g} = 0;`),
          ...GATES.map((g) => `let h${g} = 0;`),
          ...accumulate("x", I),
          ...accumulate("h", H),
          ...reduce("x", layer.accShiftX),
          ...reduce("h", layer.accShiftH),
          ...[0, 1, 2, 3].map(gate),
          ...cell,
        ),
        "// Only now may h change: every gate row above read the old h.",
        "h.set(H_NEW);",
      ],
    }),
  ];
}

/** The fixed-point primitives the step uses (docs/fixed-point.md "Notation" and step 2). */
function primitives(scheme: IntegerScheme): SchemeParts["implementation"] {
  const a8 = integerFacts(scheme).activationBits === 8;
  const saturate = (bits: 8 | 16 | 32) => {
    const hi = 2 ** (bits - 1) - 1;
    return fn({
      name: `sat${bits}`,
      doc: { text: `v clamped to int${bits}, [${-hi - 1}, ${hi}].` },
      params: [["v", "number"]],
      returns: "number",
      code: [`return v < ${-hi - 1} ? ${-hi - 1} : v > ${hi} ? ${hi} : v;`],
    });
  };
  const table = buildTanhTable();
  return [
    fn({
      name: "rshr",
      leading: "// ---- Fixed-point primitives (docs/fixed-point.md \"Notation\") ----\n\n",
      doc: {
        text: "Rounding right shift of an int32, round half up: (v + 2^(n-1)) >> n, for 1 ≤ n ≤ 30 and v + 2^(n-1) within int32 (true of every call here).",
      },
      params: [
        ["v", "number"],
        ["n", "number"],
      ],
      returns: "number",
      code: ["return (v + (1 << (n - 1))) >> n;"],
    }),
    ...(a8 ? [saturate(8)] : []),
    saturate(16),
    saturate(32),
    constant({
      name: "TANH_TABLE",
      leading: "// ---- Nonlinearities (docs/fixed-point.md step 2) ----\n\n",
      doc: {
        text:
          `T[k] = min(32767, round(tanh(k / 64) · 2^15)), k = 0 … ${table.length - 1}: tanh on a 2^-6 grid over [0, 8], ` +
          "the one table of every seqforge model (the C's seqforge_tanh_table).",
      },
      typedArray: { type: "Int16Array", lines: indexedLines(table.map(intText), 10, "k") },
    }),
    fn({
      name: "interpolate",
      doc: {
        text:
          "The table at a / 2^shift, interpolated linearly between entries, for 0 ≤ a < 512 · 2^shift " +
          "(int32 throughout: T[k+1] - T[k] ≤ 512, the fraction below 2^shift).",
      },
      params: [
        ["a", "number"],
        ["shift", "number"],
      ],
      returns: "number",
      code: [
        "const k = a >> shift;",
        "const t0 = TANH_TABLE[k]!;",
        "return t0 + ((Math.imul(TANH_TABLE[k + 1]! - t0, a & ((1 << shift) - 1)) + (1 << (shift - 1))) >> shift);",
      ],
    }),
    fn({
      name: "tanhQ15",
      doc: { text: "tanh of z (int32, Q15) in Q15, |result| ≤ 32767; beyond ±8, the table's end." },
      params: [["z", "number"]],
      returns: "number",
      code: [
        "if (z >= 2 ** 18) return 32767; // 8.0 in Q15",
        "if (z <= -(2 ** 18)) return -32767;",
        "return z < 0 ? -interpolate(-z, 9) : interpolate(z, 9);",
      ],
    }),
    fn({
      name: "sigmoidQ15",
      doc: { text: "sigmoid of z (int32, Q15) in Q15, 0 … 32767: (1 + tanh(z/2)) / 2, from the same table read at z/2." },
      params: [["z", "number"]],
      returns: "number",
      code: [
        "const t = z >= 2 ** 19 ? 32767 : z <= -(2 ** 19) ? -32767 : z < 0 ? -interpolate(-z, 10) : interpolate(z, 10);",
        "return Math.min(32767, (32768 + t + 1) >> 1);",
      ],
    }),
  ];
}

export function integerParts(model: QuantModel, fixed: FixedPoint, types: ModuleTypes): SchemeParts {
  const a = model.architecture;
  const H = a.hiddenSize;
  const wide = integerFacts(model.scheme as IntegerScheme).accumulatorBits === 64;
  const head = fixed.head;
  const S = head.shift;
  const target = (o: number) => model.targets[o] ?? String(o);
  const headSum = requantizeCode([["acc", "m"]], S);
  const delta = a.delta !== undefined;
  return {
    implementation: [
      ...primitives(model.scheme as IntegerScheme),
      ...fixed.layers.flatMap((layer, l) => layerParts(model, l, layer, types)),
      constant({
        name: "HEAD_W",
        leading: `// ---- Head: ${a.outputSize} output${a.outputSize === 1 ? "" : "s"} (Q${head.outFrac} int16) from the last layer's h ----\n\n`,
        doc: { text: `Head weights, ${cType(types.w)} [${a.outputSize} outputs][${H}]; real weight = w · its row's scale, folded into HEAD_M.` },
        typedArray: { type: types.w, lines: labelledRows(head.w.map(intText), H, (o) => `output ${o}: ${target(o)}`) },
      }),
      constant({
        name: "HEAD_M",
        doc: { text: "Requantisation multiplier of each output's acc (below 2^30)." },
        typedArray: { type: "Int32Array", lines: labelledRows(head.m.map(intText), 1, target) },
      }),
      constant({
        name: "HEAD_B",
        doc: { text: `Output biases in y's Q${head.outFrac} (int32).` },
        typedArray: { type: "Int32Array", lines: labelledRows(head.bias.map(intText), 1, target) },
      }),
      fn({
        name: "headOutput",
        doc: {
          text: [
            `Output o in Q${head.outFrac} from its dot product acc (int32): sat16(((acc·m[o] + 2^${S - 1}) >> ${S}) + b[o]${delta ? " + last" : ""}), ` +
              "exactly, the multiplier split into 15-bit halves as in layer0Preactivation." +
              (delta ? ` last: the output's feature in the last input, in Q${head.outFrac} (delta outputs).` : ""),
          ].join("\n"),
        },
        params: [
          ["acc", "number"],
          ["o", "number"],
          ...(delta ? [["last", "number"] as [string, string]] : []),
        ],
        returns: "number",
        code: [
          "const m = HEAD_M[o]!;",
          ...headSum.lines,
          `return sat16(${headSum.value} + HEAD_B[o]!${delta ? " + last" : ""});`,
        ],
      }),
    ],
    outputDoc: formulas([
      ["acc  = w·h", wide ? `int64, reduced by rshr(acc, ${head.accShift})` : "int32"],
      [`y[o] = sat16(((acc·m + 2^${S - 1}) >> ${S}) + b${delta ? " + last[o]" : ""})`, `Q${head.outFrac}`],
    ]),
    outputCode: [
      `const h = state.h[${a.layers - 1}];`,
      block(
        `for (let o = 0; o < ${a.outputSize}; o++)`,
        `const w = o * ${H}; // output o's row of HEAD_W`,
        "let acc = 0;",
        block(`for (let k = 0; k < ${H}; k++)`, "acc += Math.imul(HEAD_W[w + k]!, h[k]!);"),
        ...(wide && head.accShift > 0 ? [`acc = ${rshr64("acc", head.accShift)}; // rshr(acc, ${head.accShift})`] : []),
        `y[o] = headOutput(acc, o${delta ? ", state.last[o]!" : ""});`,
      ),
    ],
    last: { type: "Int32Array", store: (k) => rescaleCode(`x[${k}]!`, fixed.x.fracs[k]!, head.outFrac) },
  };
}
