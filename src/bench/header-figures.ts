/**
 * The figures a generated model header states (`#define PREFIX_FLASH_BYTES 7700 ...`), read back
 * so the bench can hold them against what the linker placed.
 */

export interface HeaderFigures {
  flashBytes: number;
  ramBytes: number;
  stateBytes: number;
  /** Window mode only. */
  windowBytes: number | null;
  macsPerStep: number;
  macsPerOutput: number;
}

export function parseHeaderFigures(header: string, prefix: string): HeaderFigures {
  const P = prefix.toUpperCase();
  const get = (name: string): number | null => {
    const m = new RegExp(`^#define\\s+${P}_${name}\\s+(\\d+)`, "m").exec(header);
    return m ? Number(m[1]) : null;
  };
  const need = (name: string): number => {
    const v = get(name);
    if (v === null) throw new Error(`the generated header lacks ${P}_${name}`);
    return v;
  };
  return {
    flashBytes: need("FLASH_BYTES"),
    ramBytes: need("RAM_BYTES"),
    stateBytes: need("STATE_BYTES"),
    windowBytes: get("WINDOW_BYTES"),
    macsPerStep: need("MACS_PER_STEP"),
    macsPerOutput: need("MACS_PER_OUTPUT"),
  };
}
