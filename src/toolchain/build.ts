/**
 * buildProgram: compiles C sources for a target and links an executable. Host: gcc, the program
 * as given. Cortex-M: arm-none-eabi-gcc with the target's startup code and a linker script
 * filled from its memory map, linked against newlib's semihosting library (rdimon); writes the
 * map file, for attributing flash and RAM to symbols.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import Handlebars from "handlebars";
import { VerificationError } from "../errors.js";
import type { BuildRequest, BuildResult, BuildVariant } from "./api.js";
import { compileFlags, linkFlags } from "./flags.js";
import { runProcess } from "./process.js";
import { readSizes } from "./size.js";
import { loadTarget, TARGETS_DIR, type QemuTarget, type Target } from "./targets.js";
import { requireFile, requireTool } from "./tools.js";

/** A compile or link of generated or driver code can take a while on a loaded 2-core machine. */
const TOOL_TIMEOUT_MS = 120_000;

export async function buildProgram(req: BuildRequest): Promise<BuildResult> {
  const target = loadTarget(req.target);
  const variant: BuildVariant = req.variant ?? "release";
  const cc = requireTool(target.compiler, target.packages);
  const sizeTool = requireTool(target.size, target.packages);
  if (target.kind === "qemu") checkNewlib(cc, target);

  const outDir = resolve(req.outDir);
  const objDir = join(outDir, "obj");
  mkdirSync(objDir, { recursive: true });

  const sources = [...req.sources.map((s) => resolve(s))];
  const includeDirs = req.includeDirs.map((d) => resolve(d));
  const ldExtra: string[] = [];
  let mapFile: string | undefined;
  if (target.kind === "qemu") {
    sources.push(join(TARGETS_DIR, target.startup));
    includeDirs.push(join(TARGETS_DIR, "cortex-m"));
    const script = join(outDir, "link.ld");
    writeFileSync(script, renderLinkerScript(target));
    mapFile = join(outDir, "image.map");
    ldExtra.push("-T", script, `-Wl,-Map=${mapFile}`, ...target.ldflags);
  } else {
    ldExtra.push(...target.ldflags);
  }

  const cflags = compileFlags(target, variant);
  const defines = Object.entries(req.defines ?? {}).map(([k, v]) => `-D${k}=${v}`);
  const incs = includeDirs.map((d) => `-I${d}`);
  // One object per source (numbered: two sources may share a base name), so that the map file
  // says which file every symbol came from.
  const objects: string[] = [];
  for (const [i, src] of sources.entries()) {
    const obj = join(objDir, `${i}-${basename(src).replace(/\.c$/, "")}.o`);
    await tool(cc, [...cflags, ...defines, ...incs, "-c", src, "-o", obj], target, `compiling ${src}`);
    objects.push(obj);
  }
  const executable = join(outDir, target.kind === "qemu" ? "image.elf" : "program");
  // Libraries (-lm, rdimon via specs) after the objects, as the linker resolves left to right.
  await tool(cc, [...linkFlags(target, variant), ...objects, ...ldExtra, "-o", executable], target, `linking ${executable}`);

  const sizes = await readSizes(sizeTool, executable);
  return { executable, mapFile, sizes, objects };
}

async function tool(cmd: string, args: string[], target: Target, what: string): Promise<void> {
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

/** arm-none-eabi-gcc without libnewlib-arm-none-eabi compiles but cannot link: say so up front. */
function checkNewlib(cc: string, target: QemuTarget): void {
  // The toolchain's sysroot is <prefix>/lib/arm-none-eabi beside <prefix>/bin/arm-none-eabi-gcc.
  const prefix = resolve(cc, "..", "..");
  const lib = join(prefix, "lib", "arm-none-eabi", "newlib", target.newlibMultilib, "librdimon.a");
  // A compiler found outside a Debian layout (a vendor toolchain on PATH) has its own sysroot:
  // leave the check to the linker there.
  if (prefix === "/usr") requireFile(lib, "newlib's semihosting library", target.packages);
}
