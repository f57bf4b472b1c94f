/**
 * Target descriptions: one JSON file per target in `targets/` (DESIGN.md "Targets"). Adding a
 * target is adding a file; startup code and the linker-script template are shared across the
 * Cortex-M boards and named by the file, with memory origins taken from it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InputError, OptionError } from "../errors.js";
import { validateWith } from "../util/validate.js";
import { PACKAGE_ROOT } from "../util/package-root.js";

/** `targets/` at the package root. */
export const TARGETS_DIR = join(PACKAGE_ROOT, "targets");

const nonEmpty = z.string().min(1);
/** A linker-script address or length: `0x20000000`, `256K`, `4M`, or decimal. */
const memSize = z.string().regex(/^(0x[0-9a-fA-F]+|[0-9]+[KM]?)$/, "a hex address, or a size such as 256K or 4M");

const Region = z.object({ origin: memSize, length: memSize });

const Common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a lower-case name of letters, digits and dashes"),
  description: nonEmpty,
  compiler: nonEmpty,
  /** The binutils `size` for this target's images. */
  size: nonEmpty,
  /** Debian packages that provide the tools, named in the message when one is missing. */
  packages: z.array(nonEmpty).min(1),
  /** Architecture flags, added to every compile and link. */
  cflags: z.array(z.string()),
  ldflags: z.array(z.string()),
};

export const NativeTargetSchema = z.object({ ...Common, kind: z.literal("native") }).strict();

export const QemuTargetSchema = z
  .object({
    ...Common,
    kind: z.literal("qemu"),
    /** The -mcpu name; also the key the bench uses for per-core reference figures. */
    core: nonEmpty,
    nm: nonEmpty,
    /** The newlib multilib folder gcc selects for `cflags` (`-print-multi-directory`); checked by a test. */
    newlibMultilib: nonEmpty,
    qemu: z
      .object({
        binary: nonEmpty,
        machine: nonEmpty,
        /** -icount shift: each instruction advances virtual time by 2^shift ns. */
        icountShift: z.number().int().min(0).max(10),
      })
      .strict(),
    memory: z.object({ flash: Region, ram: Region }).strict(),
    /** Bytes at the top of RAM reserved for the stack (painted at reset for the high-water mark). */
    stackBytes: z.number().int().positive().multipleOf(8),
    /** Relative to targets/. */
    startup: nonEmpty,
    /** Handlebars template relative to targets/, filled with `memory` and `stackBytes`. */
    linkerScript: nonEmpty,
    fpu: z.string().optional(),
    systick: z
      .object({
        /** The SysTick processor clock the board model gives (documentation; the factor below is what counts). */
        clockHz: z.number().positive().nullable(),
        /** Instructions per SysTick tick under -icount, measured with a loop of known length. */
        instructionsPerTick: z.number().positive(),
        /** How and when the factor was measured. */
        calibration: nonEmpty,
      })
      .strict(),
  })
  .strict();

export const TargetSchema = z.discriminatedUnion("kind", [NativeTargetSchema, QemuTargetSchema]);
export type NativeTarget = z.infer<typeof NativeTargetSchema>;
export type QemuTarget = z.infer<typeof QemuTargetSchema>;
export type Target = z.infer<typeof TargetSchema>;

/** Target names, sorted with `host` first and the cores in the order of their number. */
export function listTargets(dir: string = TARGETS_DIR): string[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length));
  const key = (n: string) => (n === "host" ? -1 : Number(/(\d+)$/.exec(n)?.[1] ?? 1e9));
  return names.sort((a, b) => key(a) - key(b) || a.localeCompare(b));
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

/** `--target NAME|all` to target names; `all` = every target, or only QEMU ones when `qemuOnly`. */
export function resolveTargets(spec: string, opts: { qemuOnly?: boolean } = {}, dir: string = TARGETS_DIR): string[] {
  if (spec === "all") return opts.qemuOnly ? listQemuTargets(dir) : listTargets(dir);
  const names = spec.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) loadTarget(n, dir);
  return names;
}
