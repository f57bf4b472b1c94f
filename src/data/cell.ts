/**
 * One cell of a table to one finite number, or an InputError saying what was found. Strict on
 * purpose: a silently skipped or zero-filled cell would shift or bias a time series.
 *
 *   accepted   12  -3.5  .5  1e-3  +2   (surrounding spaces ignored)
 *              1,5  only when the table uses `;` between cells, as a spreadsheet in a
 *                   decimal-comma locale exports it (exactly one comma, no dot)
 *   rejected   empty, NaN, Inf, Infinity, 1e400 (not a finite double), 12abc, 1.000,5
 */
import { InputError } from "../errors.js";

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+(?:[eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

export interface CellContext {
  file: string;
  /** `line 14, column "temp"` or `record [3], field "temp"`. */
  place: string;
  /** The table separates cells with `;`, so `1,5` means 1.5. */
  decimalComma: boolean;
}

export function parseCell(value: unknown, ctx: CellContext): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InputError(ctx.file, ctx.place, `${value} is not finite; a finite number expected`);
    return value;
  }
  if (value === null || value === undefined) {
    throw new InputError(ctx.file, ctx.place, "empty cell; a number expected (fill or drop missing values first)");
  }
  if (typeof value !== "string") {
    throw new InputError(ctx.file, ctx.place, `${JSON.stringify(value)} is not a number; a number expected`);
  }
  const text = value.trim();
  if (text === "") throw new InputError(ctx.file, ctx.place, "empty cell; a number expected (fill or drop missing values first)");
  if (NOT_FINITE.test(text)) {
    throw new InputError(ctx.file, ctx.place, `"${text}" is not finite; a finite number expected (fill or drop missing values first)`);
  }
  let normalised: string | null = null;
  if (DECIMAL.test(text)) normalised = text;
  else if (ctx.decimalComma && DECIMAL_COMMA.test(text)) normalised = text.replace(",", ".");
  if (normalised === null) {
    const hint = !ctx.decimalComma && DECIMAL_COMMA.test(text) ? " (a decimal comma is read only in `;`-separated files)" : "";
    throw new InputError(ctx.file, ctx.place, `${JSON.stringify(text)} is not a number; a number expected${hint}`);
  }
  const v = Number(normalised);
  if (!Number.isFinite(v)) {
    throw new InputError(ctx.file, ctx.place, `"${text}" is out of the range of a double; a finite number expected`);
  }
  return v;
}
