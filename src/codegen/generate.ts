/**
 * generate: quantized model → the files of a drop-in C folder. Pure apart from reading the
 * templates: no clock, no environment, no machine name, so the same model and options give the
 * same bytes everywhere.
 */
import type { QuantModel } from "../model/quant-model-file.js";
import { DEFAULT_OPTIMIZE, type Optimize } from "../util/optimize.js";
import { banner } from "./banner.js";
import { render, generatorVersion } from "./templates.js";
import { checkModelTable, commonView, f32View, inputFormatsText, integerView, runtimeView } from "./view.js";

/**
 * Bumped when the runtime (seqforge_runtime.h, seqforge_runtime.c) changes in a way older models
 * cannot use. 2: the nonlinearity table moved out of each model into seqforge_runtime.c.
 */
const RUNTIME_VERSION = 2;

/** The runtime's files, written beside every integer model; the same bytes whatever the model. */
export const RUNTIME_HEADER = "seqforge_runtime.h";
export const RUNTIME_SOURCE = "seqforge_runtime.c";

export interface GenerateOptions {
  /** A valid C prefix (identifier.ts toCPrefix). */
  prefix: string;
  /** The target named in the banner and README (the C itself is portable). */
  target: string;
  /** Emit the float helpers that apply the normalisation. */
  floatIo: boolean;
  /** What the integer model's C is built for (SEQFORGE_OPTIMIZE_SIZE in NAME.c); speed by default. */
  optimize?: Optimize;
  /**
   * Store each w8a16 layer weight w as w + 128 in a uint8_t, read by the offset kernel (the
   * target's `offsetWeights`: Armv6-M); false by default. The C stays portable either way.
   */
  offsetWeights?: boolean;
  /** Overrides package.json's version (tests pin it so golden files survive a release). */
  generatorVersion?: string;
}

export interface GeneratedFile {
  /** File name inside the output folder. */
  name: string;
  content: string;
}

/** A column name as a Markdown table cell. */
function mdCell(text: string): string {
  return text.replace(/[|\\`]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f]/g, " ");
}

/** Ends a rendered template with exactly one newline and no trailing spaces on any line. */
function tidy(text: string): string {
  return text.replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n").replace(/\n*$/, "\n");
}

/**
 * The C sources to compile for a generated folder, the model's first: `NAME.c`, and for integer
 * schemes the runtime's `seqforge_runtime.c` (once per firmware image, however many models).
 */
export function cSources(files: GeneratedFile[]): { model: string[]; runtime: string[] } {
  const c = files.filter((f) => f.name.endsWith(".c")).map((f) => f.name);
  return { model: c.filter((n) => n !== RUNTIME_SOURCE), runtime: c.filter((n) => n === RUNTIME_SOURCE) };
}

/** The C model (header and source, plus the runtime's header and source for integer schemes) and the drop-in files. */
export function generateC(model: QuantModel, opts: GenerateOptions): GeneratedFile[] {
  const version = opts.generatorVersion ?? generatorVersion();
  if (model.fixed) checkModelTable(model.fixed);
  const common = commonView(model, opts.prefix, version, RUNTIME_VERSION);
  const integer = model.scheme !== "f32";
  const bannerFor = (fileName: string) =>
    banner({ fileName, prefix: opts.prefix, generatorVersion: version, model, figures: common.figures, target: opts.target, floatIo: opts.floatIo });

  const view = integer ? integerView(model, model.fixed!, common, opts.floatIo, opts.offsetWeights ?? false) : f32View(model, common, opts.floatIo);
  const hName = `${opts.prefix}.h`;
  const cName = `${opts.prefix}.c`;
  const files: GeneratedFile[] = [
    { name: hName, content: render("model/model.h", { ...view, banner: bannerFor(hName) }) },
    {
      name: cName,
      content: render(integer ? "model/model-int.c" : "model/model-f32.c", {
        ...view,
        banner: bannerFor(cName),
        optimize: opts.optimize ?? DEFAULT_OPTIMIZE,
        optimizeSize: (opts.optimize ?? DEFAULT_OPTIMIZE) === "size" ? 1 : 0,
      }),
    },
  ];
  if (integer) {
    const runtime = runtimeView(version, RUNTIME_VERSION);
    files.push(
      { name: RUNTIME_HEADER, content: render("model/seqforge_runtime.h", runtime) },
      { name: RUNTIME_SOURCE, content: render("model/seqforge_runtime.c", runtime) },
    );
  }
  const a = model.architecture;
  const io = (what: string, names: string[]) =>
    `${names.length} value${names.length > 1 ? "s" : ""} (${names.join(", ")}), ${what}`;
  const dropin = {
    ...view,
    scheme: model.scheme,
    sourceFile: model.source.modelFile,
    target: opts.target,
    floatIo: opts.floatIo,
    needsLibm: !integer,
    horizon: a.horizon,
    horizonPlural: a.horizon !== 1,
    inputDescription: io(
      integer
        ? `normalised ((raw - mean) / scale) and quantized to ${inputFormatsText(model.fixed!)} ${view.inType}`
        : "normalised: (raw - mean) / scale",
      model.features,
    ),
    outputDescription: io(
      integer ? `Q${model.fixed!.head.outFrac} int16_t, normalised: raw = y * 2^-${model.fixed!.head.outFrac} * scale + mean` : "normalised: raw = y * scale + mean",
      model.targets,
    ),
    normalisation: [
      ...model.features.map((name, k) => ({ role: "input", name: mdCell(name), mean: String(model.normalization.input.mean[k]), scale: String(model.normalization.input.scale[k]) })),
      ...model.targets.map((name, k) => ({ role: "output", name: mdCell(name), mean: String(model.normalization.output.mean[k]), scale: String(model.normalization.output.scale[k]) })),
    ],
    fileList: [hName, cName, ...(integer ? [RUNTIME_HEADER, RUNTIME_SOURCE] : [])].join("`, `"),
  };
  files.push(
    { name: "README.md", content: render("dropin/README.md", dropin) },
    { name: "CMakeLists.txt", content: render("dropin/CMakeLists.txt", dropin) },
    { name: `${opts.prefix}.mk`, content: render("dropin/model.mk", dropin) },
  );
  return files.map((f) => ({ name: f.name, content: tidy(f.content) }));
}
