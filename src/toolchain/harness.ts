/**
 * The harness: the programs seqforge builds around a model to test and measure it (the verify
 * driver in C and, for the node target, in JavaScript; the bench driver; the counter-factor
 * measurement). They live with the targets (`targets/harness/`) because they are written against
 * the contract every target folder implements in its `seqforge_target.h` (instruction counter,
 * stack painting) and run on every target; they are not part of what `generate` hands to a user.
 * The CMSIS-NN bench driver measures ARM's LSTM the same way, for the comparison
 * (scripts/bench-cmsis-nn.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { TARGETS_DIR } from "./targets.js";

/** `targets/harness/`. */
export const HARNESS_DIR = join(TARGETS_DIR, "harness");

export type HarnessTemplate = "verify_driver.c.hbs" | "verify_driver.mjs.hbs" | "bench_main.c.hbs" | "cmsis_nn_bench_main.c.hbs" | "fuzz_batch.c.hbs";
export type HarnessSource = "counter-factor.c";

const compiled = new Map<HarnessTemplate, HandlebarsTemplateDelegate>();

/**
 * Renders a harness template. `strict`: a field the view lacks is an error, not an empty string;
 * `noEscape`: this is C or JavaScript, not HTML.
 */
export function renderHarness(name: HarnessTemplate, view: object): string {
  let t = compiled.get(name);
  if (!t) {
    t = Handlebars.compile(readFileSync(join(HARNESS_DIR, name), "utf8"), { strict: true, noEscape: true });
    compiled.set(name, t);
  }
  return t(view);
}

/** The path of a harness source built as it is. */
export function harnessSource(name: HarnessSource): string {
  return join(HARNESS_DIR, name);
}
