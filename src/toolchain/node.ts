/**
 * The node target's build: the generated TypeScript type-checked with the target's compiler
 * options (what -Werror is to the C: any diagnostic fails the build), each module transpiled to an
 * ES module `NAME.js` (a package.json beside them says so), and the JavaScript harness copied.
 * The TypeScript compiler is ts-morph's (a dependency of the generator), loaded only when a node
 * target is built; runProgram then runs the entry with the Node running seqforge.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { Project, ts as TypeScript } from "ts-morph";
import { InputError, VerificationError } from "../errors.js";
import type { BuildRequest, BuildResult } from "./api.js";
import { TARGETS_DIR, type NodeTarget } from "./targets.js";

/**
 * One type-checking project per target, kept for the life of the process: the ECMAScript
 * library's declarations are parsed once, not at every build (the fuzzer builds dozens).
 */
const projects = new Map<string, Project>();

/** The target's compiler options, as the compiler API takes them; a bad one is the target file's error. */
function compilerOptions(ts: typeof TypeScript, target: NodeTarget): TypeScript.CompilerOptions {
  const { options, errors } = ts.convertCompilerOptionsFromJson(target.compilerOptions, TARGETS_DIR);
  if (errors.length > 0) {
    const what = ts.flattenDiagnosticMessageText(errors[0]!.messageText, " ");
    throw new InputError(join(TARGETS_DIR, `${target.name}.json`), "field compilerOptions", what);
  }
  return options;
}

/** The diagnostics of type-checking `modules` together, formatted one per line; "" when there are none. */
function typeCheck(morph: typeof import("ts-morph"), target: NodeTarget, options: TypeScript.CompilerOptions, modules: string[]): string {
  let project = projects.get(target.name);
  if (!project) {
    project = new morph.Project({ compilerOptions: options, skipAddingFilesFromTsConfig: true });
    projects.set(target.name, project);
  }
  // Synchronous from adding to removing, so that two builds in one process never see each other's files.
  const files = modules.map((m) => project.addSourceFileAtPath(m));
  try {
    const diagnostics = project.getPreEmitDiagnostics().map((d) => d.compilerObject);
    return morph.ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => process.cwd(),
      getNewLine: () => "\n",
    });
  } finally {
    for (const f of files) project.removeSourceFile(f);
  }
}

export async function buildNodeProgram(req: BuildRequest, target: NodeTarget): Promise<BuildResult> {
  const sources = req.sources.map((s) => resolve(s));
  const modules = sources.filter((s) => s.endsWith(".ts"));
  const entries = sources.filter((s) => s.endsWith(".mjs"));
  if (modules.length === 0 || entries.length > 1 || modules.length + entries.length !== sources.length) {
    throw new Error(`${target.name}: a node build takes TypeScript modules (.ts) and at most one JavaScript entry (.mjs), not ${sources.map((s) => basename(s)).join(", ")}`);
  }
  const morph = await import("ts-morph");
  const options = compilerOptions(morph.ts, target);
  const diagnostics = typeCheck(morph, target, options, modules);
  if (diagnostics !== "") throw new VerificationError(`${target.name}: type-checking failed:\n${diagnostics.trim()}`);

  const outDir = resolve(req.outDir);
  mkdirSync(outDir, { recursive: true });
  for (const m of modules) {
    const js = morph.ts.transpileModule(readFileSync(m, "utf8"), { compilerOptions: options, fileName: m }).outputText;
    writeFileSync(join(outDir, `${basename(m, ".ts")}.js`), js);
  }
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  for (const e of entries) copyFileSync(e, join(outDir, basename(e)));
  const executable = join(outDir, entries.length > 0 ? basename(entries[0]!) : `${basename(modules[0]!, ".ts")}.js`);
  return { executable, sizes: null };
}
