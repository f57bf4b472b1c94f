/**
 * The f32 scheme's step in TypeScript: the generated C's float32 arithmetic
 * (templates/model/model-f32.c.hbs), rounded with Math.fround wherever the C rounds to float — after
 * every multiply and add (C without contraction, FLT_EVAL_METHOD 0). A float32 product is exact in
 * a double and a float32 sum rounded twice (to double, then to float32) is rounded correctly, so
 * those are the C's values; Math.exp and Math.tanh stand in for expf and tanhf, whose rounding C99
 * leaves open. Held, like the C, within 1e-4 of float64 (docs/fixed-point.md "f32").
 */
import type { CellKind } from "../../model/cells.js";
import type { QuantModel } from "../../model/quant-model-file.js";
import { unitMajorRows } from "../layout.js";
import { block, constant, fn, type Code } from "./code.js";
import { float32Text, groupedRows, labelledRows } from "./literals.js";
import type { ModuleTypes, SchemeParts } from "./module.js";

const GATES = ["i", "f", "g", "o"] as const;

/** Each cell's update of unit j, in the C's order of float32 operations, and its formula. */
const CELL_UPDATE: Record<CellKind, { code: string[]; doc: string }> = {
  standard: {
    code: ["const cn = f32(f32(f * c[j]!) + f32(i * g));", "c[j] = cn;", "H_NEW[j] = f32(o * f32(Math.tanh(cn)));"],
    doc: "c' = f·c + i·g;  h' = o·tanh(c')",
  },
  seed: {
    code: ["const cn = f32(f32(g * i) + f32(c[j]! * f));", "c[j] = cn;", "H_NEW[j] = f32(cn * o);"],
    doc: "c' = g·i + c·f;  h' = c'·o",
  },
};

export function f32Parts(model: QuantModel, types: ModuleTypes): SchemeParts {
  const a = model.architecture;
  const H = a.hiddenSize;
  const w = model.float32!;
  const unitRows = (values: number[], n: number) =>
    groupedRows(unitMajorRows(values, H, n).map(float32Text), n, 4, (j) => `unit ${j}`, (g) => GATES[g]!);
  const row = (g: number) => (g === 0 ? "r" : `r + ${g}`);

  const layers = w.layers.flatMap((layer, l) => {
    const I = l === 0 ? a.inputSize : H;
    const P = `L${l}_`;
    const accumulate = (v: "x" | "h", n: number, offset: string): Code =>
      block(
        `for (let k = 0; k < ${n}; k++)`,
        `const v = ${v}[k]!;`,
        ...GATES.map((g, gi) => `z${g} = f32(z${g} + f32(${P}W${v.toUpperCase()}[${offset}${gi === 0 ? "" : ` + ${gi * n}`} + k]! * v));`),
      );
    const inputs = `${I} input${I === 1 ? "" : "s"}`;
    return [
      constant({
        name: `${P}WX`,
        leading: `// ---- Layer ${l}: ${inputs} -> ${H} units ----\n\n`,
        doc: { text: `Input weights of layer ${l}: float32 [${H} units][4 gates (i, f, g, o)][${inputs}]; row 4·j + g is gate g of unit j.` },
        typedArray: { type: "Float32Array", lines: unitRows(layer.wx, I) },
      }),
      constant({
        name: `${P}WH`,
        doc: { text: `Recurrent weights of layer ${l}: float32 [${H} units][4 gates][${H} units of h], in ${P}WX's order.` },
        typedArray: { type: "Float32Array", lines: unitRows(layer.wh, H) },
      }),
      constant({
        name: `${P}B`,
        doc: { text: "Gate biases (b_ih + b_hh), per gate row in the weights' order." },
        typedArray: { type: "Float32Array", lines: labelledRows(unitMajorRows(layer.b, H, 1).map(float32Text), 4, (j) => `unit ${j}: i, f, g, o`) },
      }),
      fn({
        name: `layer${l}`,
        doc: {
          text: [
            `One time step of layer ${l}, per unit j:`,
            "  z = b + wx·x + wh·h;  i, f, o = sigmoid(z);  g = tanh(z)",
            `  ${CELL_UPDATE[a.cell].doc}`,
          ].join("\n"),
          tags: [
            { name: "param", text: `x the layer's input: ${inputs}` },
            { name: "param", text: "h the layer's hidden state: read by every gate row, then replaced by h'" },
            { name: "param", text: "c the layer's cell state: updated in place" },
          ],
        },
        params: [
          ["x", types.x],
          ["h", types.h],
          ["c", types.c],
        ],
        returns: "void",
        code: [
          block(
            `for (let j = 0; j < ${H}; j++)`,
            `const r = 4 * j; // unit j's gate rows: i at r, then f, g, o`,
            `const wx = r * ${I}; // where they start in ${P}WX`,
            `const wh = r * ${H}; // and in ${P}WH`,
            ...GATES.map((g, gi) => `let z${g} = ${P}B[${row(gi)}]!;`),
            accumulate("x", I, "wx"),
            accumulate("h", H, "wh"),
            "const i = sigmoid(zi);",
            "const f = sigmoid(zf);",
            "const g = f32(Math.tanh(zg));",
            "const o = sigmoid(zo);",
            ...CELL_UPDATE[a.cell].code,
          ),
          "// Only now may h change: every gate row above read the old h.",
          "h.set(H_NEW);",
        ],
      }),
    ];
  });

  return {
    implementation: [
      constant({
        name: "f32",
        leading: "// ---- float32 arithmetic ----\n\n",
        doc: { text: "Rounds to the nearest float32: applied wherever the C rounds a float result." },
        value: "Math.fround",
      }),
      fn({
        name: "sigmoid",
        doc: { text: "1 / (1 + e^-z) in float32, as the C's 1.0f / (1.0f + expf(-z))." },
        params: [["z", "number"]],
        returns: "number",
        code: ["return f32(1 / f32(1 + f32(Math.exp(-z))));"],
      }),
      ...layers,
      constant({
        name: "HEAD_W",
        leading: `// ---- Head: ${a.outputSize} output${a.outputSize === 1 ? "" : "s"} from the last layer's h ----\n\n`,
        doc: { text: `Head weights, float32 [${a.outputSize} outputs][${H}].` },
        typedArray: { type: "Float32Array", lines: labelledRows(w.head.w.map(float32Text), H, (o) => `output ${o}: ${model.targets[o] ?? o}`) },
      }),
      constant({
        name: "HEAD_B",
        doc: { text: "Output biases." },
        typedArray: { type: "Float32Array", lines: labelledRows(w.head.b.map(float32Text), 1, (o) => model.targets[o] ?? String(o)) },
      }),
    ],
    outputDoc: [a.delta ? "  y = b + w·h + last[o]  (delta outputs: the output's feature in the last input)" : "  y = b + w·h"],
    outputCode: [
      `const h = state.h[${a.layers - 1}];`,
      block(
        `for (let o = 0; o < ${a.outputSize}; o++)`,
        `const w = o * ${H}; // output o's row of HEAD_W`,
        "let acc = HEAD_B[o]!;",
        block(`for (let k = 0; k < ${H}; k++)`, "acc = f32(acc + f32(HEAD_W[w + k]! * h[k]!));"),
        a.delta ? "y[o] = f32(acc + state.last[o]!);" : "y[o] = acc;",
      ),
    ],
    last: { type: "Float32Array", store: (k) => `x[${k}]!` },
  };
}
