import { defineConfig } from "vitest/config";

// The loops: `fast` (units, property tests, in-process checks: about a minute), `slow` (the CLI
// run as a process, host-gcc builds and whole pipelines: minutes), `fuzz`, `qemu` (cross-built firmware run under QEMU, minutes) and `browser` (headless
// Chromium). `make test` runs them all; `make test-fast` only the first.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "fast",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.slow.test.ts", "test/**/*.qemu.test.ts", "test/**/*.fuzz.test.ts", "test/**/*.browser.test.ts"],
          // Generous: a CLI case waits for runs that share two cores with dozens of others (the
          // bad-input suites start theirs at once, in a hook), and a timeout is no finding.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The command line as a user runs it (its bad-input suites), host-gcc builds and whole
        // pipelines (byte-identical regeneration of every artefact).
        test: {
          name: "slow",
          include: ["test/**/*.slow.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        // The generated C against the simulator on random models (sanitizer builds): ~1 minute.
        test: {
          name: "fuzz",
          include: ["test/**/*.fuzz.test.ts"],
          testTimeout: 600_000,
        },
      },
      {
        // Debian's chromium, driven by puppeteer-core; the report it opens is made with QEMU runs.
        test: {
          name: "browser",
          include: ["test/**/*.browser.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: "qemu",
          include: ["test/**/*.qemu.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
