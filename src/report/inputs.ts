/**
 * What `seqforge report` reads, checked before anything runs: the quantized files (one per
 * scheme, all from one float model), that float model (given, or found where quantize read it),
 * the data (with every target column, since the page scores predictions against it), the
 * targets to verify on (the host always, then the ones asked for), and the model's own training
 * data for the linear baseline when it is still where training read it. Bad input is an
 * InputError or OptionError naming the file or flag; nothing has been written.
 */
import { isAbsolute, relative } from "node:path";
import { InputError } from "../errors.js";
import { findTrainingData, loadModelSeries, type ModelSeries, type TrainingData } from "../data/model-data.js";
import { parseFloatModel, type FloatModel } from "../model/model-file.js";
import { loadQuantModel, type QuantModel } from "../model/quant-model-file.js";
import { loadTarget, resolveTargets } from "../toolchain/targets.js";
import { sha256 } from "../util/hash.js";
import { readInputBytes } from "../util/read-input-file.js";
import { findFloatModel } from "../verify/verify.js";

export interface ReportInputs {
  /** One quantized model per scheme, in the order given; the first is the one the page leads with. */
  models: { file: string; model: QuantModel }[];
  float: { file: string; model: FloatModel };
  data: ModelSeries;
  /** Verified on: `host` first, then the named targets. */
  targets: string[];
  /** The QEMU targets among them, where the bench runs. */
  benchTargets: string[];
  /** The float model's training data (the linear baseline is fitted on its training part), or why there is none. */
  training: TrainingData;
}

export interface ReportOptions {
  modelFiles: readonly string[];
  dataFile: string;
  /** The float model; by default the one the first quantized file names. */
  floatFile?: string;
  /** `--target`: a target name, names separated by commas, or all. */
  target: string;
}

export function openReportInputs(o: ReportOptions): ReportInputs {
  const models = o.modelFiles.map((file) => ({ file, model: loadQuantModel(file) }));
  const [first, ...rest] = models;
  if (!first) throw new InputError("<model>", "", "a quantized model file expected");
  for (const m of rest) {
    if (m.model.source.modelHash !== first.model.source.modelHash) {
      throw new InputError(m.file, "field source.modelHash", `quantized from another float model than ${first.file}; files quantized from one float model expected`);
    }
    const twin = models.find((x) => x !== m && x.model.scheme === m.model.scheme);
    if (twin) throw new InputError(m.file, "field scheme", `${m.model.scheme}, as ${twin.file}; one file per scheme expected`);
  }
  const float = o.floatFile === undefined ? foundFloatModel(first.model, first.file) : givenFloatModel(first.model, first.file, o.floatFile);
  const data = loadModelSeries(o.dataFile, float.model);
  const missing = float.model.targets.filter((t) => !data.presentTargets.includes(t));
  if (missing.length) {
    throw new InputError(o.dataFile, "", `no column ${missing.map((t) => JSON.stringify(t)).join(", ")}: the report scores the predictions against the model's target${float.model.targets.length > 1 ? "s" : ""} ${float.model.targets.join(", ")}`);
  }
  const targets = ["host", ...resolveTargets(o.target).filter((t) => t !== "host")];
  return {
    models,
    float,
    data,
    targets,
    benchTargets: targets.filter((t) => loadTarget(t).kind === "qemu"),
    training: findTrainingData(float.model, float.file),
  };
}

/** The float model named by --float, which must be the one the quantized file came from. */
function givenFloatModel(q: QuantModel, quantFile: string, file: string): { file: string; model: FloatModel } {
  const bytes = readInputBytes(file, "model file");
  const model = parseFloatModel(bytes.toString("utf8"), file);
  if (sha256(bytes) !== q.source.modelHash) {
    throw new InputError(file, "", `not the float model ${quantFile} was quantized from (its sha256 differs from that file's source.modelHash, recorded from ${q.source.modelFile})`);
  }
  return { file, model };
}

function foundFloatModel(q: QuantModel, quantFile: string): { file: string; model: FloatModel } {
  const found = findFloatModel(q, quantFile);
  if ("note" in found) {
    throw new InputError(quantFile, "field source.modelFile", `the float model ${q.source.modelFile} is not there unchanged (as given, or beside this file); give the model it was quantized from with --float`);
  }
  // Named as the user would type it from here (the page shows it), not as an absolute path.
  const here = relative(process.cwd(), found.file);
  return { model: found.model, file: here.startsWith("..") || isAbsolute(here) ? found.file : here };
}

