import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root (where templates/, targets/ and package.json lie): the nearest folder above
 * this file holding package.json. This file is src/util/ when run from source (vitest),
 * dist/util/ when compiled for the CLI, and build/src/util/ when compiled with the repository's
 * scripts (tsconfig.scripts.json), so a fixed number of levels up is wrong for one of them.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** seqforge's version, from package.json: what generated code and exported files name as their producer. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
