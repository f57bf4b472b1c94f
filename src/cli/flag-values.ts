/**
 * Checks on flag values that yargs cannot express (an integer, a range, a column list). Each
 * failure is an InputError naming the flag, so it prints as `--window: ...` with exit code 2.
 */
import { InputError } from "../errors.js";

/** yargs turns a flag given twice into an array; say so rather than "a number expected, found [4,8]". */
function single(args: Record<string, unknown>, name: string): unknown {
  const v = args[name];
  if (Array.isArray(v)) throw new InputError(`--${name}`, "", `given ${v.length} times (${v.join(", ")}); once expected`);
  return v;
}

/** The value as the message shows it: yargs reads `--window abc` as NaN, which JSON would print as null. */
function shown(v: unknown): string {
  return typeof v === "number" && Number.isNaN(v) ? "a value that is not a number" : JSON.stringify(v ?? null);
}

export function intFlag(args: Record<string, unknown>, name: string, min: number): number {
  const v = single(args, name);
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new InputError(`--${name}`, "", `an integer ≥ ${min} expected, found ${shown(v)}`);
  }
  return v;
}

/** A finite number in [min, max) — or [min, max] when `maxIncluded`. */
export function numberFlag(args: Record<string, unknown>, name: string, min: number, max = Infinity, maxIncluded = false): number {
  const v = single(args, name);
  const ok = typeof v === "number" && Number.isFinite(v) && v >= min && (maxIncluded ? v <= max : v < max);
  if (!ok) {
    const range = max === Infinity ? `≥ ${min}` : `in [${min}, ${max}${maxIncluded ? "]" : ")"}`;
    throw new InputError(`--${name}`, "", `a number ${range} expected, found ${shown(v)}`);
  }
  return v as number;
}

/** `a,b` → ["a", "b"]: names trimmed, none empty, none twice. */
export function columnListFlag(args: Record<string, unknown>, name: string): string[] {
  const v = single(args, name);
  if (typeof v !== "string") throw new InputError(`--${name}`, "", `column names expected, found ${JSON.stringify(v ?? null)}`);
  const names = v.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) throw new InputError(`--${name}`, "", `an empty column name in ${JSON.stringify(v)}; names separated by commas expected`);
  const dup = names.find((n, k) => names.indexOf(n) !== k);
  if (dup !== undefined) throw new InputError(`--${name}`, "", `column ${JSON.stringify(dup)} named twice`);
  return names;
}

export function stringFlag(args: Record<string, unknown>, name: string): string {
  const v = single(args, name);
  if (typeof v !== "string" || v === "") throw new InputError(`--${name}`, "", `a value expected, found ${JSON.stringify(v ?? null)}`);
  return v;
}
