/**
 * The model name becomes the prefix of every C symbol the generator emits (`motor_step`,
 * `MOTOR_INPUT_SIZE`). A name is turned into a prefix the way a firmware engineer would write
 * it — lower case, words joined by `_` — and refused when no valid C identifier can come of it.
 */
import { basename } from "node:path";
import { OptionError } from "../errors.js";

/** Longest prefix accepted: the longest symbol (`<prefix>_dequantize_output`) stays under 64 characters. */
export const MAX_PREFIX_LENGTH = 40;

/**
 * Words the prefix may not be on its own: C keywords and names the generated code or the C
 * library already uses at file scope. (`int_step` is a fine symbol, but a model called `int`
 * reads as a mistake, and `seqforge` is the runtime header's own prefix.)
 */
const RESERVED = new Set([
  "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
  "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
  "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
  "volatile", "while", "bool", "true", "false", "seqforge",
]);

/**
 * Turns a model name into a C identifier prefix: lower case; runs of spaces, `-` and `.` become one
 * `_`; leading and trailing `_` dropped. Throws an OptionError on `name` when the result is not a
 * valid prefix: empty, starting with a digit, holding other characters, reserved, or too long.
 */
export function toCPrefix(name: string): string {
  const prefix = name
    .trim()
    .toLowerCase()
    .replace(/[\s.\-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "");
  const refuse = (why: string): never => {
    throw new OptionError("name", `${JSON.stringify(name)} cannot be a C identifier prefix: ${why}`);
  };
  if (prefix === "") refuse("it has no letters");
  const bad = prefix.match(/[^a-z0-9_]/);
  if (bad) refuse(`${JSON.stringify(bad[0])} is not allowed (use letters, digits and _)`);
  if (/^[0-9]/.test(prefix)) refuse("it must start with a letter");
  if (RESERVED.has(prefix)) refuse(`"${prefix}" is reserved in C or by seqforge`);
  // seqforge_runtime.h and the seqforge_* symbols and macros in it share a folder and a
  // translation unit with the model: a model called `seqforge_runtime` would overwrite that header.
  if (prefix.startsWith("seqforge_")) refuse(`names starting with "seqforge_" are reserved by seqforge`);
  if (prefix.length > MAX_PREFIX_LENGTH) refuse(`at most ${MAX_PREFIX_LENGTH} characters`);
  return prefix;
}

/** The default name: the model file's name without `.q.json` / `.json` (`motor.q.json` → `motor`). */
export function defaultModelName(modelFile: string): string {
  return basename(modelFile).replace(/(\.q)?\.json$/i, "");
}

/** The macro spelling of a prefix (`motor_v2` → `MOTOR_V2`). */
export function macroPrefix(prefix: string): string {
  return prefix.toUpperCase();
}
