/**
 * Reading a file the user named (a data file, a model file). Every stage reads its inputs through
 * here so that a missing file, a folder or an unreadable file gives the same one-line InputError.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";

/** The bytes of a user-named file; `kind` ("data file", "model file") names it in the error. */
export function readInputBytes(file: string, kind = "file"): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === "ENOENT" ? `${kind} not found` : code === "EISDIR" ? `a folder, a ${kind} expected` : `cannot read (${code ?? "error"})`;
    throw new InputError(file, "", what);
  }
}

/** readInputBytes as UTF-8 text. */
export function readInputFile(file: string, kind = "file"): string {
  return readInputBytes(file, kind).toString("utf8");
}
