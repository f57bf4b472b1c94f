/**
 * Image sizes: the totals from binutils `size` (Berkeley format), and per-symbol sizes from `nm`
 * for attributing flash and RAM to the model's weights, code and state.
 */
import { VerificationError } from "../errors.js";
import { runProcess } from "./process.js";

export interface Sizes {
  text: number;
  data: number;
  bss: number;
}

/** `size FILE` → text, data, bss. */
export async function readSizes(sizeTool: string, file: string): Promise<Sizes> {
  const r = await runProcess(sizeTool, [file], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new VerificationError(`${sizeTool} ${file} failed: ${r.stderr.trim()}`);
  return parseBerkeleySize(r.stdout);
}

/** Parses `   text    data     bss     dec     hex filename` and one row of figures. */
export function parseBerkeleySize(out: string): Sizes {
  const line = out.split("\n").find((l) => /^\s*\d+\s+\d+\s+\d+\s+\d+/.test(l));
  if (!line) throw new VerificationError(`unexpected output from size: ${JSON.stringify(out.slice(0, 200))}`);
  const [text, data, bss] = line.trim().split(/\s+/).map(Number) as [number, number, number];
  return { text, data, bss };
}

export interface SymbolSize {
  name: string;
  address: number;
  /** 0 for symbols nm gives no size (hand-written assembly). */
  size: number;
  /** nm's type letter: T/t code, R/r read-only data, D/d data, B/b bss. */
  type: string;
}

/** `nm --print-size FILE`: every defined symbol with its address, and its size where it has one (else 0). */
export async function readSymbols(nmTool: string, file: string): Promise<SymbolSize[]> {
  const r = await runProcess(nmTool, ["--print-size", "--defined-only", file], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new VerificationError(`${nmTool} ${file} failed: ${r.stderr.trim()}`);
  return parseNm(r.stdout);
}

export function parseNm(out: string): SymbolSize[] {
  const syms: SymbolSize[] = [];
  for (const line of out.split("\n")) {
    const sized = /^([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s+(\S)\s+(\S+)$/.exec(line.trim());
    const unsized = /^([0-9a-fA-F]+)\s+(\S)\s+(\S+)$/.exec(line.trim());
    if (sized) syms.push({ address: parseInt(sized[1]!, 16), size: parseInt(sized[2]!, 16), type: sized[3]!, name: sized[4]! });
    else if (unsized) syms.push({ address: parseInt(unsized[1]!, 16), size: 0, type: unsized[2]!, name: unsized[3]! });
  }
  return syms;
}

/** `nm --undefined-only FILE`: the names an object needs from elsewhere. */
export async function readUndefined(nmTool: string, file: string): Promise<string[]> {
  const r = await runProcess(nmTool, ["--undefined-only", file], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new VerificationError(`${nmTool} ${file} failed: ${r.stderr.trim()}`);
  return r.stdout.split("\n").map((l) => /^\s*U\s+(\S+)$/.exec(l)?.[1]).filter((n): n is string => Boolean(n));
}
