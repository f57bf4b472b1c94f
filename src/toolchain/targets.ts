/**
 * Target descriptions: one JSON file per target in `targets/` (docs/architecture.md "Targets"). Adding a
 * target is adding a file (and, for a new processor family, a folder of startup code, linker
 * script template and `seqforge_target.h`): everything the toolchain and the bench need to know
 * about a target — tools, flags, the C library to check for, the QEMU command line, the
 * semihosting limits of its startup code, the instruction counter — is data here, so no
 * TypeScript names a processor. Three kinds: `native` (C, run here), `qemu` (C, cross-built and
 * run under QEMU) and `node` (the generated TypeScript module, type-checked and run by Node).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError, OptionError } from "../errors.js";
import { validateWith } from "../util/validate.js";
import { PACKAGE_ROOT } from "../util/package-root.js";
import { OPTIMIZE_LEVELS } from "../util/optimize.js";

/** `targets/` at the package root. */
export const TARGETS_DIR = join(PACKAGE_ROOT, "targets");

const nonEmpty = z.string().min(1);
/** A linker-script address or length: `0x20000000`, `256K`, `4M`, or decimal. */
const memSize = z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+[KM]?)$/, "a hex address, or a size such as 256K or 4M");
/** A file or folder named relative to targets/, never outside it. */
const targetPath = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/, "a path relative to targets/, without ..");

const Region = z.object({ origin: memSize, length: memSize });

const named = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a lower-case name of letters, digits and dashes"),
  description: nonEmpty,
};

const Common = {
  ...named,
  compiler: nonEmpty,
  /** The binutils `size` for this target's images. */
  size: nonEmpty,
  /** Debian packages that provide the tools, named in the message when one is missing. */
  packages: z.array(nonEmpty).min(1),
  /** Architecture flags, added to every compile and link. */
  cflags: z.array(z.string()),
  ldflags: z.array(z.string()),
  /** What a release build (and `seqforge generate` for this target) optimises for by default: speed (-O2) or size (-Os). */
  optimize: z.enum(OPTIMIZE_LEVELS).optional(),
  /**
   * `seqforge generate` for this target stores each w8a16 layer weight w as w + 128 in a uint8_t
   * (its C reads it with the offset kernel, seqforge_dot4_w8_a16_offset): for cores that load an
   * unsigned byte at an immediate offset in one instruction but a signed one in two (Armv6-M).
   * Absent: false. The generated C runs on any target either way.
   */
  offsetWeights: z.boolean().optional(),
};

export const NativeTargetSchema = z.object({ ...Common, kind: z.literal("native") }).strict();

/**
 * The C library a cross compiler can compile without but cannot link without (it comes in a
 * package of its own): checked before the first build so that its absence is reported as what
 * to install, not as a linker error.
 */
const LibcCheck = z
  .object({
    /** What the file is, for the message: "newlib's semihosting library". */
    description: nonEmpty,
    /** The file that must exist, e.g. `librdimon.a`. */
    file: nonEmpty,
    /**
     * Where it lies, relative to the compiler's prefix (the folder above its `bin/`), with
     * `{multilib}` standing for `multilib`. Absent: the compiler finds it itself
     * (`-print-file-name` with the target's flags), which also covers toolchains installed
     * elsewhere; needed where only a specs file adds the library's folder at link time.
     */
    dir: targetPath.optional(),
    /** The multilib folder gcc selects for `cflags` (`-print-multi-directory`); checked by a test. */
    multilib: nonEmpty,
    /** Debian packages that provide the file. */
    packages: z.array(nonEmpty).min(1),
  })
  .strict();

const Counter = z
  .object({
    /**
     * What the harness reads (seqforge_target.h implements it): `systick`, the Cortex-M system
     * timer counting QEMU's -icount virtual time; `minstret`, the RISC-V retired-instruction
     * counter.
     */
    kind: z.enum(["systick", "minstret"]),
    /** The clock the counter runs on, where it counts time (documentation; the factor below is what counts); null when it counts instructions. */
    clockHz: z.number().positive().nullable(),
    /** Instructions per tick, measured with the counter-factor harness (targets/harness/counter-factor.c). */
    instructionsPerTick: z.number().positive(),
    /** How and when the factor was measured. */
    measurement: nonEmpty,
  })
  .strict();

export const QemuTargetSchema = z
  .object({
    ...Common,
    kind: z.literal("qemu"),
    /** The processor the flags select (-mcpu, or the -march string). */
    core: nonEmpty,
    nm: nonEmpty,
    libc: LibcCheck,
    qemu: z
      .object({
        binary: nonEmpty,
        machine: nonEmpty,
        /** Further options the board needs (e.g. `-bios none`), placed after -machine. */
        args: z.array(nonEmpty),
        /** -icount shift: each instruction advances virtual time by 2^shift ns. */
        icountShift: z.number().int().min(0).max(10),
      })
      .strict(),
    /**
     * What the startup code reads of the semihosting command line (passed to it as
     * SF_CMDLINE_BYTES and SF_MAX_ARGS): the runner refuses a longer command line up front.
     */
    semihosting: z
      .object({
        cmdlineBytes: z.number().int().min(64),
        maxArgs: z.number().int().min(2),
      })
      .strict(),
    /** The folder (relative to targets/) holding this target's `seqforge_target.h`. */
    include: targetPath,
    memory: z.object({ flash: Region, ram: Region }).strict(),
    /** Bytes at the top of RAM reserved for the stack (painted at reset for the high-water mark). */
    stackBytes: z.number().int().positive().multipleOf(8),
    /** Relative to targets/. */
    startup: targetPath,
    /** Handlebars template relative to targets/, filled with `memory` and `stackBytes`. */
    linkerScript: targetPath,
    fpu: z.string().optional(),
    counter: Counter,
  })
  .strict();

/**
 * The generated TypeScript module, run by the Node that runs seqforge: its "compiler" is the
 * type checker, its "-Werror" the options below.
 */
export const NodeTargetSchema = z
  .object({
    ...named,
    kind: z.literal("node"),
    /**
     * The options the module is type-checked with before it runs, spelled as in tsconfig.json
     * (`"target": "ES2020"`, `"lib": ["ES2020"]`); an error fails the build.
     */
    compilerOptions: z.record(z.string(), z.unknown()),
  })
  .strict();

export const TargetSchema = z.discriminatedUnion("kind", [NativeTargetSchema, QemuTargetSchema, NodeTargetSchema]);
export type NativeTarget = z.infer<typeof NativeTargetSchema>;
export type QemuTarget = z.infer<typeof QemuTargetSchema>;
export type NodeTarget = z.infer<typeof NodeTargetSchema>;
/** The targets that build C. */
export type CTarget = NativeTarget | QemuTarget;
export type Target = z.infer<typeof TargetSchema>;
export type TargetKind = Target["kind"];

/**
 * Target names, sorted with `host` first, then by family (the name without its trailing number),
 * and within a family in the order of that number: cortex-m0, cortex-m3, ..., cortex-m55.
 */
export function listTargets(dir: string = TARGETS_DIR): string[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length));
  const split = (n: string) => {
    const m = /^(.*?)(\d+)$/.exec(n);
    return { family: n === "host" ? "" : (m?.[1] ?? n), number: m ? Number(m[2]) : -1 };
  };
  return names.sort((a, b) => {
    const x = split(a);
    const y = split(b);
    return x.family.localeCompare(y.family) || x.number - y.number || a.localeCompare(b);
  });
}

/** Names of the targets run under QEMU (what `--target all` means for the bench). */
export function listQemuTargets(dir: string = TARGETS_DIR): string[] {
  return listTargets(dir).filter((n) => loadTarget(n, dir).kind === "qemu");
}

/**
 * Loads and validates `targets/<name>.json`. An unknown name is the user's error (a `--target`
 * flag), reported with the names that exist.
 */
export function loadTarget(name: string, dir: string = TARGETS_DIR): Target {
  const file = join(dir, `${name}.json`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || !existsSync(file)) {
    throw new OptionError("target", `unknown target "${name}"; expected one of: ${listTargets(dir).join(", ")}, all`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(file, "", `not valid JSON (${(err as Error).message})`);
  }
  const target = validateWith(TargetSchema, raw, file);
  if (target.name !== name) {
    throw new InputError(file, "field name", `"${name}" expected (the file name), found "${target.name}"`);
  }
  return target;
}

/** Whether `seqforge generate` stores the w8a16 weights offset for this target (its `offsetWeights`; false when absent or not C). */
export function offsetWeightsOf(name: string, dir: string = TARGETS_DIR): boolean {
  const t = loadTarget(name, dir);
  return t.kind !== "node" && (t.offsetWeights ?? false);
}

/**
 * `--target NAME|all` to target names; `all` = every target, or every target of the given
 * `kinds` (the bench: those it can measure).
 */
export function resolveTargets(spec: string, opts: { kinds?: readonly TargetKind[] } = {}, dir: string = TARGETS_DIR): string[] {
  if (spec === "all") return listTargets(dir).filter((n) => opts.kinds === undefined || opts.kinds.includes(loadTarget(n, dir).kind));
  const names = spec.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) loadTarget(n, dir);
  return names;
}
