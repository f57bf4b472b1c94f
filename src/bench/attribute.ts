/**
 * Flash and RAM attributed to the model, by symbol, from the linker map of a bench image: the
 * model's constant data (weights, biases, multipliers) and code are the sections that came from
 * the model's object files; what the model uses outside them, one copy per image whatever the
 * number of models (the seqforge runtime's nonlinearity table; library routines such as libgcc's
 * 64-bit multiply on Armv6-M, memcpy), is counted apart (and added to the model's flash by the
 * bench: the model cannot run without it); the caller-owned state is the driver's `bench_state`
 * object.
 */
import { resolve } from "node:path";
import { sectionKind, sectionSymbol, type MapSection } from "./map-file.js";
import type { SymbolSize } from "../toolchain/size.js";

export interface SymbolBytes {
  symbol: string;
  bytes: number;
}

export interface ModelSizes {
  /** .rodata of the model's objects: weights, biases, multipliers. */
  constBytes: number;
  /** .text of the model's objects. */
  codeBytes: number;
  /** .data + .bss of the model's objects (static RAM: zero for reentrant generated code). */
  staticRamBytes: number;
  /** What the model's objects use outside them: the runtime's table (seqforge_tanh_table), library code (e.g. __aeabi_lmul); part of the model's flash. */
  libraryBytes: number;
  /** The caller's state object, as placed by the linker (sizeof the state type). */
  stateBytes: number;
  /** Each attributed section, largest first. */
  symbols: (SymbolBytes & { kind: string })[];
  library: SymbolBytes[];
}

export interface AttributeRequest {
  sections: MapSection[];
  /** The model's object files (paths as the linker saw them). */
  modelObjects: string[];
  /** Symbols the model's objects leave undefined (`nm -u`), resolved in the image. */
  undefinedSymbols: string[];
  /** Every defined symbol of the image (`nm --print-size`), to find where library routines lie. */
  imageSymbols: SymbolSize[];
  /** The state object's name in the driver. */
  stateSymbol: string;
}

export function attributeSizes(req: AttributeRequest): ModelSizes {
  const objects = new Set(req.modelObjects.map((o) => resolve(o)));
  const fromModel = req.sections.filter((s) => !s.file.includes("(") && objects.has(resolve(s.file)));
  const sum = (kinds: string[]) => fromModel.filter((s) => kinds.includes(sectionKind(s.section))).reduce((a, s) => a + s.size, 0);

  const stateSection = req.sections.find((s) => sectionSymbol(s.section) === req.stateSymbol && ["bss", "data"].includes(sectionKind(s.section)));
  if (!stateSection) throw new Error(`the bench image has no section for ${req.stateSymbol}`);

  // A library routine, or the runtime's table, is found by its symbol's address, then counted as the whole input section
  // holding it (libgcc is not built with one section per function), each section once.
  const library = new Map<string, SymbolBytes>();
  for (const name of req.undefinedSymbols) {
    const sym = req.imageSymbols.find((s) => s.name === name);
    if (!sym) continue;
    // Thumb function addresses carry bit 0. `>>> 0`: JavaScript's & gives a signed 32-bit
    // result, negative for an image at 0x80000000 or above (RISC-V virt's RAM).
    const addr = (sym.address & ~1) >>> 0;
    const holder = req.sections.find((s) => addr >= s.address && addr < s.address + s.size);
    if (!holder || objects.has(resolve(holder.file))) continue;
    const key = `${holder.file}:${holder.address}`;
    const prev = library.get(key);
    library.set(key, { symbol: prev ? `${prev.symbol}, ${name}` : name, bytes: holder.size });
  }

  return {
    constBytes: sum(["const"]),
    codeBytes: sum(["code"]),
    staticRamBytes: sum(["data", "bss"]),
    libraryBytes: [...library.values()].reduce((a, s) => a + s.bytes, 0),
    stateBytes: stateSection.size,
    symbols: fromModel
      .filter((s) => sectionKind(s.section) !== "other")
      .map((s) => ({ symbol: sectionSymbol(s.section), bytes: s.size, kind: sectionKind(s.section) }))
      .sort((a, b) => b.bytes - a.bytes || a.symbol.localeCompare(b.symbol)),
    library: [...library.values()].sort((a, b) => b.bytes - a.bytes),
  };
}

