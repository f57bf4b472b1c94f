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
SRCS := main.c $(MOTOR_SRCS) $(SEQFORGE_RUNTIME_SRCS)
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

  it("two integer models in two folders share one runtime: CMake and Make link them without a duplicate table", { timeout: 180_000 }, async () => {
    const root = join(work, "two");
    const models = [
      { name: "motor", model: fixtureModel({ scheme: "w8a16", mode: "stream", inputSize: 3, hidden: 6 }) },
      { name: "pump", model: fixtureModel({ scheme: "w16a16", mode: "stream", inputSize: 2, hidden: 5, seed: 4 }) },
    ];
    for (const m of models) {
      const dir = join(root, "lib", m.name);
      mkdirSync(dir, { recursive: true });
      for (const f of generateC(m.model, { prefix: m.name, target: "host", floatIo: false })) writeFileSync(join(dir, f.name), f.content);
    }
    writeFileSync(
      join(root, "main.c"),
      `#include <stdio.h>
#include "motor.h"
#include "pump.h"

int main(void)
{
    static motor_state_t ms;
    static pump_state_t ps;
    motor_in_t mx[MOTOR_INPUT_SIZE] = { 100, -200, 300 };
    pump_in_t px[PUMP_INPUT_SIZE] = { -50, 70 };
    motor_out_t my[MOTOR_OUTPUT_SIZE];
    pump_out_t py[PUMP_OUTPUT_SIZE];
    motor_reset(&ms);
    pump_reset(&ps);
    motor_step(&ms, mx);
    pump_step(&ps, px);
    motor_output(&ms, my);
    pump_output(&ps, py);
    printf("motor %d pump %d\\n", (int)my[0], (int)py[0]);
    return 0;
}
`,
    );
    const strict = "-Wall -Wextra -Wpedantic -Wconversion -Werror";
    writeFileSync(
      join(root, "CMakeLists.txt"),
      `cmake_minimum_required(VERSION 3.13)
project(firmware C)
set(CMAKE_C_FLAGS "\${CMAKE_C_FLAGS} ${strict}")
add_subdirectory(lib/motor)
add_subdirectory(lib/pump)
add_executable(app main.c)
target_link_libraries(app PRIVATE motor pump)
`,
    );
    writeFileSync(
      join(root, "Makefile"),
      `CC ?= cc
CFLAGS := -std=c99 -O2 ${strict}
include lib/motor/motor.mk
include lib/pump/pump.mk
SRCS := main.c $(MOTOR_SRCS) $(PUMP_SRCS) $(SEQFORGE_RUNTIME_SRCS)
CFLAGS += $(MOTOR_CFLAGS) $(PUMP_CFLAGS)
app-make: $(SRCS)
\t$(CC) $(CFLAGS) $(SRCS) -o $@
`,
    );
    const build = join(root, "build");
    await run("cmake", ["-S", root, "-B", build, "-DCMAKE_BUILD_TYPE=Release"]);
    await run("cmake", ["--build", build]);
    await run("make", ["-s", "-C", root, "app-make"]);
    const outputs: string[] = [];
    for (const app of [join(build, "app"), join(root, "app-make")]) {
      const { stdout } = await run(app);
      expect(stdout).toMatch(/^motor -?\d+ pump -?\d+\n$/);
      outputs.push(stdout);
      const { stdout: symbols } = await run("nm", [app]);
      expect(symbols.split("\n").filter((l) => /tanh_table/.test(l)).map((l) => l.trim().split(/\s+/).pop())).toEqual(["seqforge_tanh_table"]);
    }
    expect(outputs[1]).toBe(outputs[0]);

    // A fragment of another runtime version is refused by name, before anything is compiled.
    const pumpMk = join(root, "lib", "pump", "pump.mk");
    writeFileSync(pumpMk, readFileSync(pumpMk, "utf8").replace(/,2\)/, ",3)").replace(/version 2,/, "version 3,"));
    await expect(run("make", ["-s", "-C", root, "-B", "app-make"])).rejects.toThrow(/pump needs seqforge runtime version 3, but another fragment brought version 2/);
  });
});
