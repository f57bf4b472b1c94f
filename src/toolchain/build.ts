/**
 * buildProgram: compiles C sources for a target and links an executable (a node target's
 * TypeScript: node.ts). Host: gcc, the program as given. QEMU targets: the target's cross compiler with its startup code (told the
 * semihosting limits the runner enforces), its `seqforge_target.h` folder on the include path,
 * and a linker script filled from its memory map; the C library the target names is checked for
 * first; writes the map file, for attributing flash and RAM to symbols.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, resolve } from "node:path";
import Handlebars from "handlebars";
import { ToolMissingError, VerificationError } from "../errors.js";
import type { BuildRequest, BuildResult, BuildVariant } from "./api.js";
import { compileFlags, linkFlags } from "./flags.js";
import { DEFAULT_OPTIMIZE } from "../util/optimize.js";
import { runProcess } from "./process.js";
import { readSizes } from "./size.js";
import { buildNodeProgram } from "./node.js";
import { loadTarget, TARGETS_DIR, type CTarget, type QemuTarget } from "./targets.js";
import { missingToolMessage, requireTool } from "./tools.js";

/** A compile or link of generated or driver code can take a while on a loaded 2-core machine. */
const TOOL_TIMEOUT_MS = 120_000;

export async function buildProgram(req: BuildRequest): Promise<BuildResult> {
  const target = loadTarget(req.target);
  if (target.kind === "node") return buildNodeProgram(req, target);
  const variant: BuildVariant = req.variant ?? "release";
  const cc = requireTool(target.compiler, target.packages);
  const sizeTool = requireTool(target.size, target.packages);
  if (target.kind === "qemu") await requireLibc(cc, target);

  const outDir = resolve(req.outDir);
  const objDir = join(outDir, "obj");
  mkdirSync(objDir, { recursive: true });

  // Each source with the definitions only it gets: the startup code learns the semihosting
  // limits from the target file, the one place they are written.
  const sources: { file: string; defines: string[] }[] = req.sources.map((s) => ({ file: resolve(s), defines: [] }));
  const includeDirs = req.includeDirs.map((d) => resolve(d));
  const ldExtra: string[] = [];
  let mapFile: string | undefined;
  if (target.kind === "qemu") {
    sources.push({
      file: join(TARGETS_DIR, target.startup),
      defines: [`-DSF_CMDLINE_BYTES=${target.semihosting.cmdlineBytes}`, `-DSF_MAX_ARGS=${target.semihosting.maxArgs}`],
    });
    includeDirs.push(join(TARGETS_DIR, target.include));
    const script = join(outDir, "link.ld");
    writeFileSync(script, renderLinkerScript(target));
    mapFile = join(outDir, "image.map");
    ldExtra.push("-T", script, `-Wl,-Map=${mapFile}`, ...target.ldflags);
  } else {
    ldExtra.push(...target.ldflags);
  }

  const optimize = req.optimize ?? target.optimize ?? DEFAULT_OPTIMIZE;
  const cflags = compileFlags(target, variant, optimize);
  const defines = Object.entries(req.defines ?? {}).map(([k, v]) => `-D${k}=${v}`);
  const incs = includeDirs.map((d) => `-I${d}`);
  // One object per source (numbered: two sources may share a base name), so that the map file
  // says which file every symbol came from.
  const objects: string[] = [];
  for (const [i, src] of sources.entries()) {
    const obj = join(objDir, `${i}-${basename(src.file).replace(/\.c$/, "")}.o`);
    await tool(cc, [...cflags, ...defines, ...src.defines, ...incs, "-c", src.file, "-o", obj], target, `compiling ${src.file}`);
    objects.push(obj);
  }
  const executable = join(outDir, target.kind === "qemu" ? "image.elf" : "program");
  // Libraries (-lm, the C library via specs) after the objects, as the linker resolves left to right.
  const libraries = (req.libraries ?? []).map((l) => resolve(l));
  await tool(cc, [...linkFlags(target, variant, optimize), ...objects, ...libraries, ...ldExtra, "-o", executable], target, `linking ${executable}`);

  const sizes = await readSizes(sizeTool, executable);
  return { executable, mapFile, sizes, objects };
}

async function tool(cmd: string, args: string[], target: CTarget, what: string): Promise<void> {
  const r = await runProcess(cmd, args, { timeoutMs: TOOL_TIMEOUT_MS });
  if (r.timedOut) throw new VerificationError(`${target.name}: ${what}: ${basename(cmd)} did not finish in ${TOOL_TIMEOUT_MS / 1000} s`);
  if (r.exitCode !== 0) {
    const diag = (r.stderr + r.stdout).trim();
    throw new VerificationError(`${target.name}: ${what} failed (${basename(cmd)} exit ${r.exitCode}):\n${diag}`);
  }
}

export function renderLinkerScript(target: QemuTarget): string {
  const template = Handlebars.compile(readFileSync(join(TARGETS_DIR, target.linkerScript), "utf8"), { noEscape: true, strict: true });
  return template({ flash: target.memory.flash, ram: target.memory.ram, stackBytes: target.stackBytes });
}

/** Compilers and targets whose C library was found already in this process (one lookup each). */
const libcFound = new Set<string>();

/**
 * Where the target's C library file should be: under the compiler's prefix when the target names
 * the folder, else wherever the compiler itself finds it (`-print-file-name` answers with the bare
 * name when it finds nothing).
 */
export async function locateLibc(cc: string, target: QemuTarget): Promise<string | undefined> {
  const { file, dir, multilib } = target.libc;
  if (dir !== undefined) {
    const path = join(resolve(cc, "..", ".."), dir.replaceAll("{multilib}", multilib), file);
    return existsSync(path) ? path : undefined;
  }
  const r = await runProcess(cc, [...target.cflags, `-print-file-name=${file}`], { timeoutMs: 30_000 });
  const path = r.stdout.trim();
  return r.exitCode === 0 && isAbsolute(path) && existsSync(path) ? resolve(path) : undefined;
}

/**
 * A cross compiler without its C library package compiles but cannot link: say so up front,
 * naming the packages (ToolMissingError, exit 3).
 */
export async function requireLibc(cc: string, target: QemuTarget): Promise<void> {
  const key = `${cc}\0${target.name}`;
  if (libcFound.has(key)) return;
  if ((await locateLibc(cc, target)) === undefined) {
    const where = target.libc.dir ?? `found by ${basename(cc)} -print-file-name`;
    throw new ToolMissingError(missingToolMessage(`${target.libc.description} (${target.libc.file}, ${where.replaceAll("{multilib}", target.libc.multilib)})`, target.libc.packages));
  }
  libcFound.add(key);
}
