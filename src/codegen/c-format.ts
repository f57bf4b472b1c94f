/**
 * Number and array formatting for generated C. Everything here is deterministic (no locale, no
 * platform-dependent float printing), so the same model always gives the same bytes.
 */

/**
 * The shortest `toPrecision` text (1 to 9 digits) that reads back as the same float32 as `value`,
 * a finite non-zero float32: the digits of both the C and the TypeScript float literals.
 */
export function shortestFloat32Text(value: number): string {
  let text = "";
  for (let p = 1; p <= 9; p++) {
    text = value.toPrecision(p);
    if (Math.fround(Number(text)) === value) break;
  }
  return text;
}

/** Shortest decimal that reads back as the same float32, as a C float literal (`0.25f`, `-1.5e-07f`). */
export function floatLiteral(value: number): string {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) throw new RangeError(`${value} is not a finite float32`);
  if (Object.is(f, -0) || f === 0) return Object.is(f, -0) ? "-0.0f" : "0.0f";
  const text = shortestFloat32Text(f);
  // toPrecision may give "1e+21" or "1.5e-7": make the exponent C-shaped and keep a decimal point.
  let [mant, exp] = text.split("e") as [string, string | undefined];
  if (!mant.includes(".")) mant += ".0";
  if (exp !== undefined) {
    const e = Number(exp);
    return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}f`;
  }
  return `${mant}f`;
}

/** A double literal that reads back as the same double (JS's shortest round-trip form). */
export function doubleLiteral(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`${v} is not finite`);
  const s = String(v);
  return /[.e]/.test(s) ? s.replace(/e\+?/, "e") : `${s}.0`;
}

const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text (a column name, a file name) as it may stand inside a C block comment, on one line. A C
 * compiler reads a comment after trigraph replacement and line splicing (C99 5.1.1.2), so what
 * would change the comment is escaped the way C string literals escape it, and stays readable:
 *   `??/` and the other trigraphs  `?\?/`  (`??/` is a backslash in -std=c99: a continued line)
 *   `*` before `/`, `/` before `*`  `*\/` and `/\*`  (the end of the comment, a nested one)
 *   a backslash                    `\\`   (so that the escapes here read unambiguously)
 *   control characters             `\n`, `\r`, `\t`, `\x1b`, `\u0085` (line ends and the rest)
 * A backslash left at the end of a comment line only joins two lines of the same comment.
 */
export function commentSafe(text: string): string {
  return text.replace(/\\|[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\?(?=\?(?:[=(/)'<!>-]|$))|\*(?=\/)|\/(?=\*)/g, (ch) => {
    if (ch === "\\") return "\\\\";
    if (ch === "?" || ch === "*" || ch === "/") return `${ch}\\`;
    const code = ch.charCodeAt(0);
    return NAMED_ESCAPES[ch] ?? (code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
  });
}

/** A C integer literal that is valid for the most negative values too (`(-2147483647 - 1)`). */
export function intLiteral(value: number, bits: 8 | 16 | 32 = 32): string {
  if (!Number.isInteger(value)) throw new RangeError(`${value} is not an integer`);
  if (bits === 32 && value === -2147483648) return "(-2147483647 - 1)";
  return String(value);
}

export interface ArrayFormat {
  /** Values per line. */
  perLine: number;
  /** Indentation of each line. */
  indent: string;
}

/**
 * The body of a C initialiser: values right-aligned in columns, `perLine` to a line, each line
 * ending with a comma. With `rows`, the values are the rows of a 2-D array, each in its own
 * braces and labelled by a comment: `{ 1, 2, 3 }, /* label *\/` when it fits on one line, else
 * the label after the opening brace and the values on the lines below.
 */
export function formatValues(
  values: ArrayLike<number>,
  fmt: ArrayFormat,
  literal: (v: number) => string,
  rows?: { rowLength: number; label: (row: number) => string },
): string {
  const texts = Array.from(values, literal);
  const width = texts.reduce((w, t) => Math.max(w, t.length), 1);
  const cells = (from: number, to: number) => texts.slice(from, to).map((t) => t.padStart(width)).join(", ");
  const lines: string[] = [];
  if (!rows) {
    for (let i = 0; i < texts.length; i += fmt.perLine) lines.push(`${fmt.indent}${cells(i, i + fmt.perLine)},`);
    return lines.join("\n");
  }
  const n = rows.rowLength;
  for (let start = 0, r = 0; start < texts.length; start += n, r++) {
    const label = `/* ${rows.label(r)} */`;
    if (n <= fmt.perLine) {
      lines.push(`${fmt.indent}{ ${cells(start, start + n)} }, ${label}`);
      continue;
    }
    lines.push(`${fmt.indent}{ ${label}`);
    for (let i = start; i < start + n; i += fmt.perLine) {
      const end = Math.min(start + n, i + fmt.perLine);
      lines.push(`${fmt.indent}${fmt.indent}${cells(i, end)}${end === start + n ? " }," : ","}`);
    }
  }
  return lines.join("\n");
}

/** Values per line that keep a line near 100 columns for the given literal width. */
export function perLineFor(sample: readonly string[], indent: number, max = 100): number {
  const width = sample.reduce((w, t) => Math.max(w, t.length), 1) + 2;
  return Math.max(1, Math.min(16, Math.floor((max - indent) / width)));
}

/** Groups digits of a byte count for comments (`9216` → `9,216`), independent of locale. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
