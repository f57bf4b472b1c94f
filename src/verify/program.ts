/**
 * What verify and the fuzzer build for a target: the generated model and its test driver, in the
 * target's language — C for the native and QEMU targets, the TypeScript module for the node
 * target. Both drivers read and write the same files (driver-io.ts), so everything after the run
 * (decoding, comparing with the simulator) is shared.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cSources, generateC } from "../codegen/generate.js";
import type { Language } from "../codegen/languages.js";
import type { QuantModel } from "../model/quant-model-file.js";
import { loadTarget } from "../toolchain/targets.js";
import { driverSource, nodeDriverSource } from "./driver-io.js";


/** The language a target builds. */
export function languageOf(target: string): Language {
  return loadTarget(target).kind === "node" ? "ts" : "c";
}

/**
 * Writes the model generated as `name` and its driver into `dir`; returns the file names to build,
 * the model's first. `bannerTarget` is what the C banner names as its target; `offsetWeights`
 * generates the C with offset weights (GenerateOptions), as for a target that sets it.
 */
export async function writeProgram(model: QuantModel, language: Language, dir: string, name: string, bannerTarget: string, offsetWeights = false): Promise<string[]> {
  if (language === "ts") {
    // ts-morph (the TypeScript compiler) loads only when a node target is verified.
    const { generateTsModule } = await import("../codegen/ts/module.js");
    const [module] = generateTsModule(model, { name });
    writeFileSync(join(dir, module!.name), module!.content);
    writeFileSync(join(dir, "verify_driver.mjs"), nodeDriverSource(model, name));
    return [module!.name, "verify_driver.mjs"];
  }
  const files = generateC(model, { prefix: name, target: bannerTarget, floatIo: false, offsetWeights });
  for (const f of files) writeFileSync(join(dir, f.name), f.content);
  writeFileSync(join(dir, "verify_driver.c"), driverSource(model, name));
  const sources = cSources(files);
  return [...sources.model, ...sources.runtime, "verify_driver.c"];
}
