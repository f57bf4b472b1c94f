/**
 * `generate --lang ts`: a quantized model as one self-contained TypeScript module (ES2020, no
 * imports, no Node or DOM API), built from declarations with ts-morph's structure API and printed
 * through its formatter. The API is the C's in camelCase (INPUT_SIZE, createState, reset, step,
 * output, quantizeInput, dequantizeOutput, the window helpers), on the scheme's typed arrays; the
 * step is integer.ts's (bit for bit the simulator's) or f32.ts's. Pure: the same model and name
 * give the same bytes.
 */
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  type FunctionDeclarationStructure,
  type StatementStructures,
  type VariableStatementStructure,
} from "ts-morph";
import type { QuantModel } from "../../model/quant-model-file.js";
import { tsBanner } from "../banner.js";
import { elementBytes, sizeFigures } from "../figures.js";
import type { GeneratedFile } from "../generate.js";
import { generatorVersion } from "../templates.js";
import { checkModelTable, inputFormatsText } from "../view.js";
import { block, constant, fn, iface, type Code, type Doc } from "./code.js";
import { f32Parts } from "./f32.js";
import { integerParts } from "./integer.js";
import { commentText, float64Text, labelledRows } from "./literals.js";

export type ArrayType = "Int8Array" | "Int16Array" | "Float32Array";

/** The typed array of each tensor: input x, output y, state c and h, weights w. */
export interface ModuleTypes {
  x: ArrayType;
  y: ArrayType;
  c: ArrayType;
  h: ArrayType;
  w: ArrayType;
}

/** What a scheme contributes: its implementation (data and functions) and the head inside output(). */
export interface SchemeParts {
  implementation: (FunctionDeclarationStructure | VariableStatementStructure)[];
  /** Lines of output()'s documentation saying what it computes. */
  outputDoc: string[];
  outputCode: Code[];
  /** A delta model's state.last (docs/fixed-point.md "Delta outputs"): its array type, and the expression step stores for input feature k. */
  last: { type: "Int32Array" | "Float32Array"; store: (k: number) => string };
}

export interface TsGenerateOptions {
  /** The module's name (identifier.ts toCPrefix): the file is NAME.ts. */
  name: string;
  /** Overrides package.json's version (tests pin it so golden files survive a release). */
  generatorVersion?: string;
}

function moduleTypes(model: QuantModel): ModuleTypes {
  const e = elementBytes(model.scheme);
  const type = (bytes: number): ArrayType => (model.scheme === "f32" ? "Float32Array" : bytes === 1 ? "Int8Array" : "Int16Array");
  return { x: type(e.x), y: type(e.y), c: type(e.c), h: type(e.h), w: type(e.w) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The exported API: sizes, the State, the functions a caller uses, and the helpers they need. */
function api(model: QuantModel, types: ModuleTypes, scheme: SchemeParts): StatementStructures[] {
  const a = model.architecture;
  const fixed = model.fixed;
  const L = a.layers;
  const window = a.mode === "window";
  const names = (list: string[]) => list.map(commentText).join(", ");
  const byLayer = (fracs: number[], type: string) =>
    !fixed ? "float32" : L === 1 ? `${type} Q${fracs[0]}` : `${type}: ${fracs.map((f, l) => `Q${f} in layer ${l}`).join(", ")}`;
  const xFormat = fixed ? `${inputFormatsText(fixed)} ${types.x === "Int8Array" ? "int8" : "int16"}` : "float32";
  const yFormat = fixed ? `Q${fixed.head.outFrac} int16` : "float32";
  const cFormat = byLayer(fixed?.layers.map((l) => l.cFrac) ?? [], "int16");
  const hFormat = byLayer(fixed?.layers.map((l) => l.hFrac) ?? [], types.h === "Int8Array" ? "int8" : "int16");
  const xDoc = `INPUT_SIZE values, the normalised features in ${xFormat}`;
  const yDoc = `OUTPUT_SIZE values, the normalised targets in ${yFormat}`;
  const tuple = (type: string) => `readonly [${Array.from({ length: L }, () => type).join(", ")}]`;
  const perLayer = (type: string) => `[${Array.from({ length: L }, () => `new ${type}(HIDDEN_SIZE)`).join(", ")}]`;
  const lengthCheck = (v: string, size: string) => `checkLength(${v}, ${size}, "${v}");`;

  const statements: StatementStructures[] = [
    constant({
      name: "INPUT_SIZE",
      exported: true,
      leading: "\n",
      doc: { text: `Values in an input vector x: the features ${names(model.features)}, in this order.` },
      value: String(a.inputSize),
    }),
    constant({
      name: "OUTPUT_SIZE",
      exported: true,
      doc: { text: `Values in an output vector y: the targets ${names(model.targets)}, ${plural(a.horizon, "row")} ahead of the last input.` },
      value: String(a.outputSize),
    }),
    constant({ name: "HIDDEN_SIZE", exported: true, doc: { text: "Units of each LSTM layer." }, value: String(a.hiddenSize) }),
    constant({ name: "LAYERS", exported: true, doc: { text: "LSTM layers." }, value: String(L) }),
  ];
  if (window) {
    statements.push(
      constant({
        name: "WINDOW",
        exported: true,
        doc: { text: "Inputs per prediction: the model was trained to predict from the last WINDOW inputs, starting from a reset state (predict)." },
        value: String(a.window),
      }),
    );
  }
  if (fixed) {
    statements.push(
      constant({
        name: "INPUT_FRAC",
        exported: true,
        doc: { text: `Per feature, x[k] holds round(x_norm[k] · 2^INPUT_FRAC[k]): each normalised input in its own format (${inputFormatsText(fixed)}).` },
        typedArray: { type: "Int8Array", lines: labelledRows(fixed.x.fracs.map(String), 1, (k) => model.features[k] ?? String(k)) },
      }),
      constant({
        name: "OUTPUT_FRAC",
        exported: true,
        doc: { text: `y holds y_norm · 2^OUTPUT_FRAC: a normalised output in Q${fixed.head.outFrac}.` },
        value: String(fixed.head.outFrac),
      }),
    );
  }
  const delta = a.delta;
  const lastFormat = fixed ? `Q${fixed.head.outFrac} int32` : "float32";
  const state = iface({
    name: "State",
    doc: { text: "The recurrent state of every layer, owned by the caller: one per independent stream (createState)." },
    properties: [
      { name: "c", type: tuple(types.c), readonly: true, doc: `Cell state c of each layer, HIDDEN_SIZE values in ${cFormat}.` },
      { name: "h", type: tuple(types.h), readonly: true, doc: `Hidden state h of each layer, HIDDEN_SIZE values in ${hFormat}.` },
      ...(delta
        ? [{ name: "last", type: scheme.last.type, readonly: true, doc: `Per output, its feature in the last input, in ${lastFormat}: what output adds back (delta outputs).` }]
        : []),
    ],
  });
  const stepExample = window
    ? []
    : [
        "",
        "@example",
        "const state = createState();",
        "const x = newInput();",
        "const y = newOutput();",
        "const out = new Float64Array(OUTPUT_SIZE);",
        "for (const raw of readings) { // each a row of INPUT_SIZE sensor values",
        "  quantizeInput(raw, x);",
        "  step(state, x);",
        "  output(state, y);",
        "  dequantizeOutput(y, out); // the prediction, in the targets' units",
        "}",
      ];
  statements.push(
    state,
    fn({
      name: "newInput",
      exported: true,
      doc: { text: `A zeroed input vector x: ${xDoc} (quantizeInput fills one from sensor units).` },
      params: [],
      returns: types.x,
      code: [`return new ${types.x}(INPUT_SIZE);`],
    }),
    fn({
      name: "newOutput",
      exported: true,
      doc: { text: `A zeroed output vector y: ${yDoc} (dequantizeOutput turns one into the targets' units).` },
      params: [],
      returns: types.y,
      code: [`return new ${types.y}(OUTPUT_SIZE);`],
    }),
    fn({
      name: "createState",
      exported: true,
      doc: { text: "A zeroed state: the start of a sequence." },
      params: [],
      returns: "State",
      code: ["return {", `  c: ${perLayer(types.c)},`, `  h: ${perLayer(types.h)},`, ...(delta ? [`  last: new ${scheme.last.type}(OUTPUT_SIZE),`] : []), "};"],
    }),
    fn({
      name: "reset",
      exported: true,
      doc: { text: "Zeroes h and c of every layer: the start of a sequence." },
      params: [["state", "State"]],
      returns: "void",
      code: [block("for (const c of state.c)", "c.fill(0);"), block("for (const h of state.h)", "h.fill(0);"), ...(delta ? ["state.last.fill(0);"] : [])],
    }),
    fn({
      name: "step",
      exported: true,
      doc: {
        text: ["One time step through every layer; the state advances.", ...stepExample].join("\n"),
        tags: [
          { name: "param", text: "state the stream's state, updated" },
          { name: "param", text: `x the input: ${xDoc}` },
          { name: "throws", text: "RangeError when x does not hold INPUT_SIZE values" },
        ],
      },
      params: [
        ["state", "State"],
        ["x", types.x],
      ],
      returns: "void",
      code: [
        lengthCheck("x", "INPUT_SIZE"),
        ...Array.from({ length: L }, (_, l) => `layer${l}(${l === 0 ? "x" : `state.h[${l - 1}]`}, state.h[${l}], state.c[${l}]);`),
        // Delta outputs: each output's feature in this input, for output to add back.
        ...(delta ?? []).map((k, o) => `state.last[${o}] = ${scheme.last.store(k)}; // ${commentText(`${model.features[k] ?? k} -> ${model.targets[o] ?? o}`)}`),
      ],
    }),
    fn({
      name: "output",
      exported: true,
      doc: {
        text: [
          "The dense head on the last layer's h: the prediction after the steps run so far. Reads the state, does not change it.",
          "Per output o (docs/fixed-point.md step 4):",
          ...scheme.outputDoc,
        ].join("\n"),
        tags: [
          { name: "param", text: "state the stream's state" },
          { name: "param", text: `y receives the output: ${yDoc}` },
          { name: "throws", text: "RangeError when y does not hold OUTPUT_SIZE values" },
        ],
      },
      params: [
        ["state", "State"],
        ["y", types.y],
      ],
      returns: "void",
      code: [lengthCheck("y", "OUTPUT_SIZE"), ...scheme.outputCode],
    }),
    ...floatHelpers(model, types, xDoc, yDoc),
  );
  if (window) statements.push(...windowHelpers(types, xDoc, yDoc, lengthCheck));
  return statements;
}

/** quantizeInput and dequantizeOutput: sensor units in and out, with the model's normalisation. */
function floatHelpers(model: QuantModel, types: ModuleTypes, xDoc: string, yDoc: string): StatementStructures[] {
  const fixed = model.fixed;
  const quantize: Code[] = fixed
    ? [
        block(
          "for (let k = 0; k < INPUT_SIZE; k++)",
          `const q = Math.floor(((raw[k]! - INPUT_MEAN[k]!) / INPUT_SCALE[k]!) * 2 ** INPUT_FRAC[k]! + 0.5);`,
          `x[k] = ${fixed.x.bits === 8 ? "q < -128 ? -128 : q > 127 ? 127" : "q < -32768 ? -32768 : q > 32767 ? 32767"} : q; // NaN stores as 0`,
        ),
      ]
    : [block("for (let k = 0; k < INPUT_SIZE; k++)", "x[k] = (raw[k]! - INPUT_MEAN[k]!) / INPUT_SCALE[k]!;")];
  const dequantize: Code[] = [
    block(
      "for (let o = 0; o < OUTPUT_SIZE; o++)",
      fixed ? `out[o] = y[o]! * ${2 ** -fixed.head.outFrac} * OUTPUT_SCALE[o]! + OUTPUT_MEAN[o]!;` : "out[o] = y[o]! * OUTPUT_SCALE[o]! + OUTPUT_MEAN[o]!;",
    ),
  ];
  const quantizeDoc: Doc = {
    text: fixed
      ? `Sensor units to an input vector: per feature x_norm = (raw - mean) / scale, then x = sat(floor(x_norm · 2^INPUT_FRAC[k] + 0.5)), ` +
        "in double precision, exactly as seqforge's simulator and the C quantize (docs/fixed-point.md \"Input and output\"); NaN gives 0."
      : "Sensor units to an input vector: per feature x = (raw - mean) / scale in double precision, stored as float32.",
    tags: [
      { name: "param", text: `raw INPUT_SIZE readings in the training data's units (${model.features.map(commentText).join(", ")})` },
      { name: "param", text: `x receives the input: ${xDoc}` },
    ],
  };
  return [
    fn({
      name: "quantizeInput",
      exported: true,
      doc: quantizeDoc,
      params: [
        ["raw", "ArrayLike<number>"],
        ["x", types.x],
      ],
      returns: "void",
      code: quantize,
    }),
    fn({
      name: "dequantizeOutput",
      exported: true,
      doc: {
        text: `An output vector in the targets' units: out = ${fixed ? `y · 2^-${fixed.head.outFrac}` : "y"} · scale + mean per target, in double precision.`,
        tags: [
          { name: "param", text: `y an output: ${yDoc}` },
          { name: "param", text: `out receives OUTPUT_SIZE values in the targets' units (${model.targets.map(commentText).join(", ")})` },
        ],
      },
      params: [
        ["y", types.y],
        ["out", "Float64Array | number[]"],
      ],
      returns: "void",
      code: dequantize,
    }),
  ];
}

function windowHelpers(types: ModuleTypes, xDoc: string, yDoc: string, lengthCheck: (v: string, size: string) => string): StatementStructures[] {
  const window = iface({
    name: "Window",
    doc: { text: "The last WINDOW inputs, a ring buffer: push each new input (windowPush), predict once it is full (windowFull)." },
    properties: [
      { name: "x", type: `readonly ${types.x}[]`, readonly: true, doc: "WINDOW slots of INPUT_SIZE values each." },
      { name: "next", type: "number", doc: "The slot the next input goes to: the oldest input's once the buffer is full." },
      { name: "count", type: "number", doc: "Inputs held, up to WINDOW." },
    ],
  });
  return [
    window,
    fn({
      name: "createWindow",
      exported: true,
      doc: { text: "An empty window." },
      params: [],
      returns: "Window",
      code: [`return { x: Array.from({ length: WINDOW }, () => new ${types.x}(INPUT_SIZE)), next: 0, count: 0 };`],
    }),
    fn({
      name: "windowReset",
      exported: true,
      doc: { text: "Empties the window." },
      params: [["w", "Window"]],
      returns: "void",
      code: ["w.next = 0;", "w.count = 0;"],
    }),
    fn({
      name: "windowPush",
      exported: true,
      doc: {
        text: "Adds one input, dropping the oldest once WINDOW are held.",
        tags: [
          { name: "param", text: "w the window" },
          { name: "param", text: `x the input, copied: ${xDoc}` },
          { name: "throws", text: "RangeError when x does not hold INPUT_SIZE values" },
        ],
      },
      params: [
        ["w", "Window"],
        ["x", types.x],
      ],
      returns: "void",
      code: [
        lengthCheck("x", "INPUT_SIZE"),
        "w.x[w.next]!.set(x);",
        "w.next = w.next + 1 === WINDOW ? 0 : w.next + 1;",
        block("if (w.count < WINDOW)", "w.count++;"),
      ],
    }),
    fn({
      name: "windowFull",
      exported: true,
      doc: { text: "Whether WINDOW inputs have been pushed." },
      params: [["w", "Window"]],
      returns: "boolean",
      code: ["return w.count === WINDOW;"],
    }),
    fn({
      name: "predict",
      exported: true,
      doc: {
        text: [
          "A window-mode prediction: resets the state, steps through the inputs held (oldest first; all WINDOW once full)",
          "and runs the head.",
          "",
          "@example",
          "const window = createWindow();",
          "const state = createState(); // scratch: predict overwrites it",
          "const x = newInput();",
          "const y = newOutput();",
          "const out = new Float64Array(OUTPUT_SIZE);",
          "for (const raw of readings) { // each a row of INPUT_SIZE sensor values",
          "  quantizeInput(raw, x);",
          "  windowPush(window, x);",
          "  if (!windowFull(window)) continue;",
          "  predict(window, state, y);",
          "  dequantizeOutput(y, out); // the prediction, in the targets' units",
          "}",
        ].join("\n"),
        tags: [
          { name: "param", text: "w the window, read" },
          { name: "param", text: "state scratch for the steps, overwritten" },
          { name: "param", text: `y receives the output: ${yDoc}` },
        ],
      },
      params: [
        ["w", "Window"],
        ["state", "State"],
        ["y", types.y],
      ],
      returns: "void",
      code: [
        "// Oldest first: slot 0 until the buffer has wrapped, then the slot the next push overwrites.",
        "let slot = w.count < WINDOW ? 0 : w.next;",
        "reset(state);",
        block("for (let s = 0; s < w.count; s++)", "step(state, w.x[slot]!);", "slot = slot + 1 === WINDOW ? 0 : slot + 1;"),
        "output(state, y);",
      ],
    }),
  ];
}

/** Data and helpers every scheme's implementation uses: the normalisation, the h scratch, the length check. */
function common(model: QuantModel, types: ModuleTypes): StatementStructures[] {
  const n = model.normalization;
  const per = (values: number[], names: string[]) => labelledRows(values.map(float64Text), 1, (k) => names[k] ?? String(k));
  return [
    constant({
      name: "INPUT_MEAN",
      leading: "// ---- Implementation ----\n\n",
      doc: { text: "Per feature, the mean and scale of the training data: x_norm = (raw - mean) / scale." },
      typedArray: { type: "Float64Array", lines: per(n.input.mean, model.features) },
    }),
    constant({ name: "INPUT_SCALE", doc: { text: "See INPUT_MEAN." }, typedArray: { type: "Float64Array", lines: per(n.input.scale, model.features) } }),
    constant({
      name: "OUTPUT_MEAN",
      doc: { text: "Per target, the mean and scale of the training data: raw = y_norm · scale + mean." },
      typedArray: { type: "Float64Array", lines: per(n.output.mean, model.targets) },
    }),
    constant({ name: "OUTPUT_SCALE", doc: { text: "See OUTPUT_MEAN." }, typedArray: { type: "Float64Array", lines: per(n.output.scale, model.targets) } }),
    constant({
      name: "H_NEW",
      doc: { text: "Scratch for a layer's new h: every gate row of a step reads the old h, so the new one waits here (allocated once)." },
      value: `new ${types.h}(HIDDEN_SIZE)`,
    }),
    fn({
      name: "checkLength",
      doc: { text: "Refuses a vector of the wrong length, which the loops would read past or leave short." },
      params: [
        ["v", "ArrayLike<number>"],
        ["n", "number"],
        ["what", "string"],
      ],
      returns: "void",
      code: [block("if (v.length !== n)", "throw new RangeError(`${what} holds ${v.length} values, ${n} expected`);")],
    }),
  ];
}

/** The module's source text. */
export function generateTsModule(model: QuantModel, opts: TsGenerateOptions): GeneratedFile[] {
  const types = moduleTypes(model);
  if (model.fixed) checkModelTable(model.fixed);
  const scheme = model.fixed ? integerParts(model, model.fixed, types) : f32Parts(model, types);
  const fileName = `${opts.name}.ts`;
  const banner = tsBanner({ fileName, name: opts.name, generatorVersion: opts.generatorVersion ?? generatorVersion(), model, figures: sizeFigures(model) });
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, newLineKind: NewLineKind.LineFeed, quoteKind: QuoteKind.Double },
  });
  const file = project.createSourceFile(fileName, {
    statements: [banner, ...api(model, types, scheme), ...common(model, types), ...scheme.implementation],
  });
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
  return [{ name: fileName, content: file.getFullText() }];
}
