/**
 * Number literals and typed-array initialisers of the generated TypeScript module. Deterministic
 * (no locale, no platform-dependent printing), so the same model always gives the same bytes; the
 * rows of every array are labelled, so no line is a run of numbers without a name.
 */
import { shortestFloat32Text } from "../c-format.js";

/** Lines of an array literal are wrapped to stay near this many columns (indentation included). */
const LINE_WIDTH = 100;
/** The indentation the formatter gives an array literal's elements at the top level of a module. */
const INDENT = 2;

/** An integer literal (every integer a model file holds is exact in a double). */
export function intText(v: number): string {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${v} is not a safe integer`);
  return String(v);
}

/** The shortest decimal that reads back as the same float32 (`0.25`, `-1.5e-7`, `-0`). */
export function float32Text(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new RangeError(`${v} is not a finite float32`);
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  return String(Number(shortestFloat32Text(f)));
}

/** A double's shortest round-trip decimal (JavaScript's own). */
export function float64Text(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`${v} is not finite`);
  return Object.is(v, -0) ? "-0" : String(v);
}

/** Text that is safe in a `//` or JSDoc comment: one line, no comment terminator. */
export function commentText(text: string): string {
  return text.replace(/\*\//g, "* /").replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ");
}

/** `values` as `a, b, c,` lines of at most LINE_WIDTH columns (a trailing comment of `reserve` columns included). */
function wrapped(values: readonly string[], reserve = 0): string[] {
  const lines: string[] = [];
  let line = "";
  for (const v of values) {
    const next = line === "" ? `${v},` : `${line} ${v},`;
    if (line !== "" && INDENT + next.length + reserve > LINE_WIDTH) {
      lines.push(line);
      line = `${v},`;
    } else {
      line = next;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

/**
 * Rows of `rowLength` values, each labelled: `1, 2, 3, // label` when the row fits on one line,
 * else a `// label` line above the row's wrapped values.
 */
export function labelledRows(values: readonly string[], rowLength: number, label: (row: number) => string): string[] {
  const lines: string[] = [];
  for (let start = 0, r = 0; start < values.length; start += rowLength, r++) {
    const row = values.slice(start, start + rowLength);
    const tag = `// ${commentText(label(r))}`;
    const one = wrapped(row, tag.length + 1);
    if (one.length === 1) lines.push(`${one[0]} ${tag}`);
    else lines.push(tag, ...wrapped(row));
  }
  return lines;
}

/**
 * Rows grouped under a heading (a hidden unit's four gate rows): `// heading` once per group of
 * `groupRows` rows, then each row labelled by `rowLabel` (or, when rows wrap, `heading, rowLabel`).
 */
export function groupedRows(
  values: readonly string[],
  rowLength: number,
  groupRows: number,
  heading: (group: number) => string,
  rowLabel: (rowInGroup: number) => string,
): string[] {
  const rowCount = values.length / rowLength;
  const tagWidth = Math.max(...Array.from({ length: groupRows }, (_, r) => `// ${rowLabel(r)}`.length)) + 1;
  const everyRowFits = Array.from({ length: rowCount }, (_, r) => values.slice(r * rowLength, (r + 1) * rowLength)).every(
    (row) => wrapped(row, tagWidth).length === 1,
  );
  const lines: string[] = [];
  const groupLength = rowLength * groupRows;
  for (let start = 0, g = 0; start < values.length; start += groupLength, g++) {
    const group = values.slice(start, start + groupLength);
    if (everyRowFits) {
      lines.push(`// ${commentText(heading(g))}`, ...labelledRows(group, rowLength, rowLabel));
    } else {
      lines.push(...labelledRows(group, rowLength, (r) => `${heading(g)}, ${rowLabel(r)}`));
    }
  }
  return lines;
}

/** Values in lines of `perLine`, each line labelled with its range of indices: `// k = 16 … 31`. */
export function indexedLines(values: readonly string[], perLine: number, index: string): string[] {
  const lines: string[] = [];
  for (let start = 0; start < values.length; start += perLine) {
    const end = Math.min(values.length, start + perLine) - 1;
    const range = start === end ? `${index} = ${start}` : `${index} = ${start} … ${end}`;
    lines.push(`${values.slice(start, end + 1).map((v) => `${v},`).join(" ")} // ${range}`);
  }
  return lines;
}
