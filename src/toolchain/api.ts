/**
 * The contract of the toolchain stage: build a C program for a target and run it there (natively
 * for `host`, under QEMU with semihosting for the others). Implemented in this folder; targets
 * are described in `targets/<name>.json`.
 */

export type BuildVariant =
  /** -O2 with -Wall -Wextra -Wpedantic -Wconversion -Werror (every target). */
  | "release"
  /** host only: -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all. */
  | "sanitize";

export interface BuildRequest {
  target: string;
  /** C sources; the generated model, its driver. Startup code and linker script come from the target. */
  sources: string[];
  includeDirs: string[];
  /** Folder for objects, the image and its map file. */
  outDir: string;
  variant?: BuildVariant;
  /** Extra -D definitions, e.g. { SEQFORGE_BENCH: "1" }. */
  defines?: Record<string, string>;
}

export interface BuildResult {
  executable: string;
  /** QEMU targets only: the linker map, for attributing flash and RAM to symbols. */
  mapFile?: string;
  /** From the target's binutils `size`. */
  sizes: { text: number; data: number; bss: number };
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
