import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";

/** Reads a user-named text file; a missing or unreadable one is an InputError naming it. */
export function readInputFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, "", code === "ENOENT" ? "file not found" : `cannot read (${code ?? "error"})`);
  }
}
