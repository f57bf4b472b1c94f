/**
 * The drop-in folder works unchanged in an existing project: a CMake project that
 * add_subdirectory()s it and a Makefile that includes its fragment both build and run a program
 * calling the model the way the README shows.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateC } from "../../src/codegen/generate.js";
import { fixtureModel } from "./fixtures.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "seqforge-dropin-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A firmware's main: the README's calls, printing the output so the test sees the model ran. */
function mainSource(mode: "window" | "stream", floatIo: boolean): string {
  const body =
    mode === "window"
      ? `    static motor_window_t window;
    motor_window_reset(&window);
    for (t = 0; t < 10; t++) {
        motor_window_push(&window, x);
        if (motor_window_full(&window)) {
            motor_predict(&window, &state, y);
        }
    }`
      : `    motor_reset(&state);
    for (t = 0; t < 10; t++) {
        motor_step(&state, x);
        motor_output(&state, y);
    }`;
  return `#include <stdio.h>
#include "motor.h"

int main(void)
{
    static motor_state_t state;
    motor_in_t x[MOTOR_INPUT_SIZE];
    motor_out_t y[MOTOR_OUTPUT_SIZE];
    int t;
    int k;
${floatIo ? "    float raw[MOTOR_INPUT_SIZE];\n    float out[MOTOR_OUTPUT_SIZE];\n" : ""}    for (k = 0; k < MOTOR_INPUT_SIZE; k++) {
${floatIo ? "        raw[k] = (float)k * 0.5f;\n" : "        x[k] = (motor_in_t)(k * 3);\n"}    }
${floatIo ? "    motor_quantize_input(raw, x);\n" : ""}${body}
${floatIo ? '    motor_dequantize_output(y, out);\n    printf("ran %d inputs, y0 %g\\n", MOTOR_INPUT_SIZE, (double)out[0]);' : '    printf("ran %d inputs, y0 %d\\n", MOTOR_INPUT_SIZE, (int)y[0]);'}
    return 0;
}
`;
}

function project(name: string, scheme: "w8a16" | "f32", mode: "window" | "stream", floatIo: boolean): string {
  const root = join(work, name);
  const modelDir = join(root, "lib", "motor");
  mkdirSync(modelDir, { recursive: true });
  const model = fixtureModel({ scheme, mode, inputSize: 3, hidden: 6 });
  for (const f of generateC(model, { prefix: "motor", target: "host", floatIo })) writeFileSync(join(modelDir, f.name), f.content);
  writeFileSync(join(root, "main.c"), mainSource(mode, floatIo));
  return root;
}

describe("drop-in folder", () => {
  it("CMake: add_subdirectory + target_link_libraries build and run (w8a16 window, f32 stream with float helpers)", { timeout: 120_000 }, async () => {
    for (const [scheme, mode, floatIo] of [["w8a16", "window", false], ["f32", "stream", true]] as const) {
      const root = project(`cmake-${scheme}`, scheme, mode, floatIo);
      writeFileSync(
        join(root, "CMakeLists.txt"),
        `cmake_minimum_required(VERSION 3.13)
project(firmware C)
set(CMAKE_C_FLAGS "\${CMAKE_C_FLAGS} -Wall -Wextra -Wpedantic -Wconversion -Werror")
add_subdirectory(lib/motor)
add_executable(app main.c)
target_link_libraries(app PRIVATE motor)
`,
      );
      const build = join(root, "build");
      await run("cmake", ["-S", root, "-B", build, "-DCMAKE_BUILD_TYPE=Release"]);
      await run("cmake", ["--build", build]);
      const { stdout } = await run(join(build, "app"));
      expect(stdout).toMatch(/^ran 3 inputs, y0 -?[\d.e+-]+\n$/);
    }
  });

  it("Make: include the fragment, add its sources and flags", { timeout: 60_000 }, async () => {
    for (const [scheme, mode, floatIo] of [["w8a16", "stream", true], ["f32", "window", false]] as const) {
      const root = project(`make-${scheme}`, scheme, mode, floatIo);
      const fragment = readFileSync(join(root, "lib", "motor", "motor.mk"), "utf8");
      expect(fragment).toContain("MOTOR_SRCS");
      writeFileSync(
        join(root, "Makefile"),
        `CC ?= cc
CFLAGS := -std=c99 -O2 -Wall -Wextra -Wpedantic -Wconversion -Werror
include lib/motor/motor.mk
SRCS := main.c $(MOTOR_SRCS)
CFLAGS += $(MOTOR_CFLAGS)
LDLIBS += $(MOTOR_LDLIBS)
app: $(SRCS)
\t$(CC) $(CFLAGS) $(SRCS) -o $@ $(LDLIBS)
`,
      );
      await run("make", ["-s", "-C", root, "app"]);
      const { stdout } = await run(join(root, "app"));
      expect(stdout).toMatch(/^ran 3 inputs, y0 -?[\d.e+-]+\n$/);
    }
  });
});
