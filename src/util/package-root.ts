import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The package root (where templates/, targets/ and package.json lie): two levels up from this
 * file, which is src/util/ when run from source (vitest) and dist/util/ when compiled.
 */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
