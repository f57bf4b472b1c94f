/**
 * Reading a GNU ld map file (`-Wl,-Map=`): the input sections placed in the image, each with its
 * address, size and the object (or archive member) it came from. With -ffunction-sections and
 * -fdata-sections every function and object has its own section (`.text.kern_step`,
 * `.rodata.kern_w`), so this attributes flash and RAM to symbols and to files.
 */

export interface MapSection {
  /** Input section name: `.text.name`, `.rodata.name`, `.bss.name`, `.data.name`, `COMMON`. */
  section: string;
  address: number;
  size: number;
  /** The object file, or `archive.a(member.o)`. */
  file: string;
}

const ONE_LINE = /^ (\.\S+|COMMON)\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$/;
const NAME_ONLY = /^ (\.\S+|COMMON)$/;
const CONTINUATION = /^\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$/;

/** Every input section of non-zero size placed in the image (discarded ones are skipped). */
export function parseMapFile(text: string): MapSection[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Linker script and memory map"));
  if (start < 0) throw new Error("not a GNU ld map file: no \"Linker script and memory map\" section");
  const out: MapSection[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    let m = ONE_LINE.exec(line);
    if (m) {
      push(out, m[1]!, m[2]!, m[3]!, m[4]!);
      continue;
    }
    m = NAME_ONLY.exec(line);
    // A long section name stands alone; its address, size and file follow on the next line.
    const next = m ? CONTINUATION.exec(lines[i + 1] ?? "") : null;
    if (m && next) {
      push(out, m[1]!, next[1]!, next[2]!, next[3]!);
      i++;
    }
  }
  return out;
}

function push(out: MapSection[], section: string, addr: string, size: string, file: string): void {
  const n = parseInt(size, 16);
  if (n > 0) out.push({ section, address: parseInt(addr, 16), size: n, file: file.trim() });
}

/** The symbol a `-ffunction-sections`/`-fdata-sections` section holds: `.rodata.kern_w` → `kern_w`. */
export function sectionSymbol(section: string): string {
  const m = /^\.(?:text|rodata|data|bss|sdata|sbss)\.(.+)$/.exec(section);
  return m ? m[1]! : section;
}

export type SectionKind = "code" | "const" | "data" | "bss" | "other";

export function sectionKind(section: string): SectionKind {
  // The compiler's own literal pool (`.rodata.cst4`: float constants the code loads, on RISC-V)
  // belongs with the code, as it does on Arm, where the same literals sit inside .text; it is no
  // array the source declares.
  if (/^\.s?rodata\.cst\d+$/.test(section)) return "code";
  if (section === ".text" || section.startsWith(".text.")) return "code";
  if (section === ".rodata" || section.startsWith(".rodata.")) return "const";
  if (section === ".data" || section.startsWith(".data.")) return "data";
  if (section === ".bss" || section.startsWith(".bss.") || section === "COMMON") return "bss";
  return "other";
}
