/**
 * The toolchain stage (contract in ./api.ts): build C for a target, run it there. Targets are
 * described in `targets/<name>.json`; the harness C that tests and measures a model on them is in
 * `targets/harness/`.
 */
export type { BuildRequest, BuildResult, BuildVariant, RunRequest, RunResult } from "./api.js";
export { buildProgram, locateLibc, renderLinkerScript, requireLibc } from "./build.js";
export { HARNESS_DIR, harnessSource, renderHarness } from "./harness.js";
export { runProgram, qemuArgs } from "./run.js";
export { listTargets, listQemuTargets, loadTarget, offsetWeightsOf, resolveTargets, TARGETS_DIR } from "./targets.js";
export type { Target, QemuTarget, NativeTarget, NodeTarget, CTarget } from "./targets.js";
export { compileFlags, WARNING_FLAGS, RELEASE_FLAGS, SANITIZE_FLAGS } from "./flags.js";
export { mapLimit } from "./pool.js";
export { readSymbols, readUndefined, parseNm, type SymbolSize } from "./size.js";
