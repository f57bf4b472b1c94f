/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * half-written file: write beside it under a temporary name, then rename (atomic on POSIX).
 * The folder is created when missing. A path that cannot be written (a folder, a parent that is
 * a file, no permission) is an InputError naming it, since the path comes from the user.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { InputError } from "../errors.js";

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(path, "", "a folder; a file name expected");
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The folder itself is unusable (its parent is a file): there is no temporary file to remove.
    }
    if (err instanceof InputError) throw err;
    const e = err as NodeJS.ErrnoException;
    const parentIsFile = e.code === "EEXIST" || e.code === "ENOTDIR";
    throw new InputError(path, "", parentIsFile ? "cannot write: a parent of it is a file, a folder expected" : `cannot write (${e.code ?? e.message})`);
  }
}
