/**
 * The Handlebars templates of the generated C (templates/ at the package root), compiled once.
 * Templates hold the shape of the C; every value they print is prepared by view.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { PACKAGE_ROOT, packageVersion } from "../util/package-root.js";

export const TEMPLATES_DIR = join(PACKAGE_ROOT, "templates");

export type TemplateName =
  | "model/model.h"
  | "model/model-int.c"
  | "model/model-f32.c"
  | "model/seqforge_runtime.h"
  | "model/seqforge_runtime.c"
  | "dropin/README.md"
  | "dropin/CMakeLists.txt"
  | "dropin/model.mk";

const PARTIALS = { window: "model/window.c" } as const;

let env: typeof Handlebars | undefined;
const compiled = new Map<TemplateName, HandlebarsTemplateDelegate>();

function read(name: string): string {
  return readFileSync(join(TEMPLATES_DIR, `${name}.hbs`), "utf8");
}

function environment(): typeof Handlebars {
  if (!env) {
    env = Handlebars.create();
    for (const [partial, file] of Object.entries(PARTIALS)) env.registerPartial(partial, read(file));
  }
  return env;
}

/**
 * Renders a template. `strict`: a field the view lacks is an error, not an empty string, so a
 * template and its view cannot drift apart silently. `noEscape`: this is C, not HTML.
 */
export function render(name: TemplateName, view: object): string {
  let t = compiled.get(name);
  if (!t) {
    t = environment().compile(read(name), { strict: true, noEscape: true });
    compiled.set(name, t);
  }
  return t(view);
}

/** The generator's version, from package.json: the one written into every banner. */
export function generatorVersion(): string {
  return packageVersion();
}
