#!/usr/bin/env node
// Entry point: runs the compiled CLI (dist/), never a TypeScript loader, so start-up stays fast.
import { main } from "../dist/cli/main.js";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
