#!/usr/bin/env node
// Entry point: runs the compiled CLI (dist/), never a TypeScript loader, so start-up stays fast.
// A clone has neither dist/ nor node_modules/ until `make setup`: say so in one line rather
// than with a module-not-found stack trace.
import { fileURLToPath } from "node:url";

let main;
try {
  ({ main } = await import("../dist/cli/main.js"));
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
  const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
  const why = err.message.split("\n")[0];
  process.stderr.write(`seqforge: not set up yet: run \`make setup\` (or \`npm ci\`) in ${root} first (${why})\n`);
  process.exit(3);
}
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
