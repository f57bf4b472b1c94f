/**
 * Compiler flags, in one place: the warnings every build of generated code must pass, and the
 * two variants (release, sanitize). The generated C promises to be clean under these
 * (docs/architecture.md "The generated C").
 */
import type { Optimize } from "../util/optimize.js";
import type { BuildVariant } from "./api.js";
import type { CTarget } from "./targets.js";

export const WARNING_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Werror"] as const;
export const RELEASE_FLAGS = ["-O2"] as const;
/** The release variant built for size (seqforge generate --optimize size). */
export const SIZE_FLAGS = ["-Os"] as const;
export const SANITIZE_FLAGS = ["-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"] as const;
/** QEMU targets: one section per function and object, so the linker drops what is unused and the
 *  map file attributes flash to each symbol. */
export const SECTION_FLAGS = ["-ffunction-sections", "-fdata-sections"] as const;

/** Flags for compiling one C source for `target`. */
export function compileFlags(target: CTarget, variant: BuildVariant, optimize: Optimize = "speed"): string[] {
  if (variant === "sanitize" && target.kind !== "native") {
    throw new Error(`the sanitize variant exists only for native targets, not ${target.name}`);
  }
  const opt = optFlags(variant, optimize);
  const sections = target.kind === "qemu" ? SECTION_FLAGS : [];
  return [...WARNING_FLAGS, ...opt, ...target.cflags, ...sections];
}

/** Flags for the link step (before the objects). */
export function linkFlags(target: CTarget, variant: BuildVariant, optimize: Optimize = "speed"): string[] {
  return [...optFlags(variant, optimize), ...target.cflags];
}

function optFlags(variant: BuildVariant, optimize: Optimize): readonly string[] {
  if (variant === "sanitize") return SANITIZE_FLAGS;
  return optimize === "size" ? SIZE_FLAGS : RELEASE_FLAGS;
}
