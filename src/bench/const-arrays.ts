/**
 * The constant arrays a generated C source declares (`static const int8_t p_l0_wx[128][8]`), with
 * their sizes, so the bench can hold the linker map against the source symbol by symbol: each
 * array the map places must have its declared size, and an array the map lacks was folded into
 * the code by the compiler (a one-element array becomes an immediate operand).
 */
import type { SymbolBytes } from "./attribute.js";

const TYPE_BYTES: Record<string, number> = {
  int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, uint32_t: 4, int64_t: 8, uint64_t: 8, float: 4, double: 8,
};

export function declaredConstArrays(source: string): SymbolBytes[] {
  const out: SymbolBytes[] = [];
  // An attribute macro may follow the dimensions (SEQFORGE_WEIGHTS_ALIGNED).
  for (const m of source.matchAll(/^static const (\w+) (\w+)((?:\[\d+\])+)(?: \w+)?\s*=/gm)) {
    const bytes = TYPE_BYTES[m[1]!];
    if (bytes === undefined) throw new Error(`unknown element type ${m[1]} of ${m[2]}`);
    const dims = [...m[3]!.matchAll(/\[(\d+)\]/g)].map((d) => Number(d[1]));
    out.push({ symbol: m[2]!, bytes: dims.reduce((a, d) => a * d, bytes) });
  }
  return out;
}

export interface ConstCheck {
  declaredBytes: number;
  /** Declared arrays the image does not hold as data: the compiler folded them into the code. */
  folded: SymbolBytes[];
  /** Arrays the image holds with a size other than declared, and constant data nobody declared. */
  mismatches: string[];
}

export function checkConstArrays(declared: SymbolBytes[], placed: SymbolBytes[]): ConstCheck {
  const mismatches: string[] = [];
  const folded: SymbolBytes[] = [];
  for (const d of declared) {
    const p = placed.find((s) => s.symbol === d.symbol);
    if (!p) folded.push(d);
    else if (p.bytes !== d.bytes) mismatches.push(`${d.symbol}: ${p.bytes} bytes placed, ${d.bytes} declared`);
  }
  for (const p of placed) {
    if (!declared.some((d) => d.symbol === p.symbol)) mismatches.push(`${p.symbol}: ${p.bytes} bytes of constant data not declared as an array`);
  }
  return { declaredBytes: declared.reduce((a, d) => a + d.bytes, 0), folded, mismatches };
}
