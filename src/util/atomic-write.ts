/**
 * Writes a file so that readers see either the old content or the whole new content, never a
 * half-written file: write beside it under a temporary name, then rename (atomic on POSIX).
 * The folder is created when missing. A path that cannot be written (a folder, a parent that is
 * a file, no permission) is an InputError naming it, since the path comes from the user.
 */
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { dirname, join, basename } from "node:path";
import { InputError, OptionError } from "../errors.js";

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

/**
 * Checks, without writing anything, that writeFileAtomic(path) can succeed: for a long job (training)
 * whose output would otherwise be refused only at the end. The nearest existing ancestor must be
 * a writable folder, and the path itself not a folder.
 */
export function assertWritablePath(path: string): void {
  if (statIfAny(path)?.isDirectory()) throw new InputError(path, "", "a folder; a file name expected");
  let dir = dirname(path);
  for (;;) {
    const st = statIfAny(dir);
    if (st) {
      if (!st.isDirectory()) throw new InputError(path, "", "cannot write: a parent of it is a file, a folder expected");
      try {
        accessSync(dir, constants.W_OK);
      } catch {
        throw new InputError(path, "", `cannot write: no permission to write in ${dir}`);
      }
      return;
    }
    const up = dirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

/** An input file of a command, and how the message names it (`the --data file`, `the model file`). */
export interface NamedInput {
  path: string;
  what: string;
}

/**
 * Refuses to write `out` when it is one of the command's own inputs, however it is reached:
 * another spelling of the path, a symbolic link or a hard link (same device and inode), since
 * writing it would replace the input. Nothing that does not exist yet can be an input. The
 * failure is an OptionError of `option` (the CLI prints it under `--out`).
 */
export function assertNotAnInput(out: string, inputs: readonly NamedInput[], option = "out"): void {
  const o = statIfAny(out);
  if (!o || o.isDirectory()) return;
  for (const input of inputs) {
    const i = statIfAny(input.path);
    if (i && i.dev === o.dev && i.ino === o.ino) {
      const same = input.path === out ? "" : ` (${input.path})`;
      throw new OptionError(option, `${out} is ${input.what}${same}; writing it would replace that input: a different file expected`);
    }
  }
}

/** stat, or undefined where nothing is there (also when a parent is a file: ENOTDIR). */
function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
}
