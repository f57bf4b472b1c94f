import { defineConfig } from "vitest/config";

// Two loops: `fast` (unit and host-gcc tests, seconds) and `qemu` (cross-built firmware run
// under qemu-system-arm, minutes). `make test` runs both; `make test-fast` only the first.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "fast",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.qemu.test.ts", "test/**/*.fuzz.test.ts"],
          testTimeout: 60_000,
          // The CLI suites start their bad-input runs in a hook, dozens of processes at once:
          // on a loaded two-core machine that alone can pass vitest's default 10 s.
          hookTimeout: 60_000,
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
