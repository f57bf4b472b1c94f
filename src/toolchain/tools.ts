/**
 * Finding the external tools (compilers, binutils, QEMU: each target file names its own) before
 * running them, so a missing one is reported as what to install instead of a spawn ENOENT deep
 * in a build.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { ToolMissingError } from "../errors.js";

/** The absolute path of `tool` on PATH (or `tool` itself when it is a path), or undefined. */
export function whichTool(tool: string, path: string = process.env.PATH ?? ""): string | undefined {
  const candidates = isAbsolute(tool) || tool.includes("/") ? [tool] : path.split(delimiter).filter(Boolean).map((d) => join(d, tool));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here; try the next folder
    }
  }
  return undefined;
}

/** The message every missing-tool report carries: the tool, and the Debian packages that provide it. */
export function missingToolMessage(what: string, packages: readonly string[]): string {
  return `${what} not found; install the Debian package${packages.length > 1 ? "s" : ""} ${packages.join(" ")} (sudo apt-get install ${packages.join(" ")})`;
}

/** Resolves `tool` on PATH or throws ToolMissingError naming the packages. */
export function requireTool(tool: string, packages: readonly string[]): string {
  const found = whichTool(tool);
  if (!found) throw new ToolMissingError(missingToolMessage(tool, packages));
  return found;
}
