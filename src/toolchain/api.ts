/**
 * The contract of the toolchain stage: build a program for a target and run it there — C natively
 * for `host`, C under QEMU with semihosting for the cross targets, the generated TypeScript under
 * Node for the `node` target. Implemented in this folder; targets are described in
 * `targets/<name>.json`.
 */
import type { Optimize } from "../util/optimize.js";

export type BuildVariant =
  /** -O2 (or -Os: BuildRequest.optimize) with -Wall -Wextra -Wpedantic -Wconversion -Werror (every target). */
  | "release"
  /** host only: -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all. */
  | "sanitize";

export interface BuildRequest {
  target: string;
  /**
   * C sources: the generated model, its driver; startup code and linker script come from the
   * target. A node target: TypeScript modules (`.ts`, type-checked together with the target's
   * compiler options, each transpiled to `NAME.js`, an ES module) and at most one JavaScript
   * entry (`.mjs`, the harness, copied).
   */
  sources: string[];
  includeDirs: string[];
  /** Folder for objects, the image and its map file. */
  outDir: string;
  variant?: BuildVariant;
  /** release variant: -O2 (speed) or -Os (size); default: the target's `optimize`. */
  optimize?: Optimize;
  /** Extra -D definitions, e.g. { SEQFORGE_BENCH: "1" }. */
  defines?: Record<string, string>;
  /**
   * C targets: static archives linked after the objects (the linker takes only the members the
   * program uses), for code built with other flags than the program's own — e.g. a third-party
   * library the bench compares against (scripts/bench-cmsis-nn.ts).
   */
  libraries?: string[];
}

export interface BuildResult {
  /** QEMU targets only: the linker map, for attributing flash and RAM to symbols. */
  mapFile?: string;
  /** The program to run: the linked image; a node target: the entry, else the first module. */
  executable: string;
  /** From the target's binutils `size`; null for a node target. */
  sizes: { text: number; data: number; bss: number } | null;
  /** The object file of each source, in the order of `sources` (then the target's startup code). */
  objects?: string[];
}

export interface RunRequest {
  target: string;
  executable: string;
  /** Passed as argv[1..] on every target (QEMU: through semihosting). Files are read and
   *  written by the program through semihosting, relative to `cwd`. */
  args: string[];
  cwd: string;
  timeoutMs: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}
