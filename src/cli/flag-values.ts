/**
 * Checks on flag values that yargs cannot express (an integer, a range, a column list). Each
 * failure is an InputError naming the flag, so it prints as `--window: ...` with exit code 2.
 * The values arrive typed from main.ts; the checks still take `unknown` because yargs turns a
 * flag given twice into an array whatever its declared type.
 */
import { InputError } from "../errors.js";

/** Say "given twice" rather than "a number expected, found [4,8]". */
function single(flag: string, v: unknown): unknown {
  if (Array.isArray(v)) throw new InputError(`--${flag}`, "", `given ${v.length} times (${v.join(", ")}); once expected`);
  return v;
}

/** The value as the message shows it: yargs reads `--window abc` as NaN, which JSON would print as null. */
function shown(v: unknown): string {
  return typeof v === "number" && Number.isNaN(v) ? "a value that is not a number" : JSON.stringify(v ?? null);
}

export function intFlag(flag: string, value: unknown, min: number): number {
  const v = single(flag, value);
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new InputError(`--${flag}`, "", `an integer ≥ ${min} expected, found ${shown(v)}`);
  }
  return v;
}

/** A finite number in [min, max) — or [min, max] when `maxIncluded`. */
export function numberFlag(flag: string, value: unknown, min: number, max = Infinity, maxIncluded = false): number {
  const v = single(flag, value);
  const ok = typeof v === "number" && Number.isFinite(v) && v >= min && (maxIncluded ? v <= max : v < max);
  if (!ok) {
    // Number.MIN_VALUE as the least means "above zero": say so, not "≥ 5e-324".
    const least = min === Number.MIN_VALUE ? "> 0" : `≥ ${min}`;
    const range = max === Infinity ? least : `in [${min}, ${max}${maxIncluded ? "]" : ")"}`;
    throw new InputError(`--${flag}`, "", `a number ${range} expected, found ${shown(v)}`);
  }
  return v as number;
}

/** `a,b` → ["a", "b"]: names trimmed, none empty, none twice. */
export function columnListFlag(flag: string, value: unknown): string[] {
  const v = single(flag, value);
  if (typeof v !== "string") throw new InputError(`--${flag}`, "", `column names expected, found ${JSON.stringify(v ?? null)}`);
  const names = v.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) throw new InputError(`--${flag}`, "", `an empty column name in ${JSON.stringify(v)}; names separated by commas expected`);
  const dup = names.find((n, k) => names.indexOf(n) !== k);
  if (dup !== undefined) throw new InputError(`--${flag}`, "", `column ${JSON.stringify(dup)} named twice`);
  return names;
}

/** A non-empty string (a path, a name). */
export function stringFlag(flag: string, value: unknown): string {
  const v = single(flag, value);
  if (typeof v !== "string" || v === "") throw new InputError(`--${flag}`, "", `a value expected, found ${JSON.stringify(v ?? null)}`);
  return v;
}
