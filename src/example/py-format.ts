/**
 * Python's %-formatting of floats, as the seed prints with it: correctly rounded from the exact
 * binary value, ties to even (JavaScript's toFixed/toExponential break ties upwards, e.g.
 * 0.015625 → "0.01563" where Python prints "0.01562", and toFixed switches to exponent form from
 * 1e21), "nan"/"inf", the sign of -0.0 kept, exponents with a sign and at least two digits.
 */

/** round_half_even(|v| · 10^k), exactly, for finite v. */
function scaledRound(v: number, k: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const bits = view.getBigUint64(0);
  const expBits = Number(bits >> 52n);
  const frac = bits & ((1n << 52n) - 1n);
  // |v| = m · 2^e
  const m = expBits === 0 ? frac : frac | (1n << 52n);
  const e = expBits === 0 ? -1074 : expBits - 1075;
  let num = m;
  let den = 1n;
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  if (e >= 0) num <<= BigInt(e);
  else den <<= BigInt(-e);
  const q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

function signOf(v: number, space: boolean): string {
  if (v < 0 || Object.is(v, -0)) return "-";
  return space ? " " : "";
}

function special(v: number, space: boolean): string | null {
  if (Number.isNaN(v)) return (space ? " " : "") + "nan";
  if (!Number.isFinite(v)) return signOf(v, space) + "inf";
  return null;
}

function padLeft(s: string, width: number): string {
  return s.length >= width ? s : " ".repeat(width - s.length) + s;
}

/** Python `"%{space}{width}.{prec}f" % v`, e.g. `% 2.5f` → formatFixed(v, 5, { space: true, width: 2 }). */
export function formatFixed(v: number, prec: number, opts: { space?: boolean; width?: number } = {}): string {
  const space = opts.space ?? false;
  const sp = special(v, space);
  if (sp !== null) return padLeft(sp, opts.width ?? 0);
  let digits = scaledRound(v, prec).toString();
  if (digits.length <= prec) digits = "0".repeat(prec + 1 - digits.length) + digits;
  const body = prec > 0 ? `${digits.slice(0, digits.length - prec)}.${digits.slice(digits.length - prec)}` : digits;
  return padLeft(signOf(v, space) + body, opts.width ?? 0);
}

/** Python `"%.{prec}e" % v`. */
export function formatExp(v: number, prec: number): string {
  const sp = special(v, false);
  if (sp !== null) return sp;
  let e = 0;
  let n = 0n;
  if (v !== 0) {
    const lo = 10n ** BigInt(prec);
    const hi = lo * 10n;
    e = Math.floor(Math.log10(Math.abs(v)));
    // log10 can be off by one near powers of ten, and rounding can carry into a new digit.
    for (;;) {
      n = scaledRound(v, prec - e);
      if (n >= hi) e++;
      else if (n < lo) e--;
      else break;
    }
  }
  let digits = n.toString();
  if (digits.length < prec + 1) digits = "0".repeat(prec + 1 - digits.length) + digits;
  const mant = prec > 0 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exp = `${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return `${signOf(v, false)}${mant}e${exp}`;
}

/** Python `"%{width}s" % s`. */
export function formatStr(s: string, width: number): string {
  return padLeft(s, width);
}
