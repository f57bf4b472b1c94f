/**
 * Validation of parsed JSON (model files, target descriptions) against a zod schema, reported as
 * an InputError naming the file, the field and what was expected.
 */
import type { z } from "zod";
import { InputError } from "../errors.js";

/** `weights.layers[0].wx` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += (out ? "." : "") + String(p);
  }
  return out || "(top level)";
}

export function validateWith<T>(schema: z.ZodType<T>, raw: unknown, file: string): T {
  const res = schema.safeParse(raw);
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new InputError(file, `field ${formatPath(issue.path)}`, issue.message);
  }
  return res.data;
}
