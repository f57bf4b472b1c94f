/**
 * Python %-formatting (src/example/py-format.ts), the format the seed prints in. Expected strings
 * were measured with Python 3.11; where python3 is present the test also asks it directly about
 * a few hundred values, ties and edge cases included.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatExp, formatFixed, formatStr } from "../../src/example/py-format.js";
import { TrainRng } from "../../src/train/rng.js";

const fixed = (v: number) => formatFixed(v, 5, { space: true, width: 2 });

describe("Python %-formatting", () => {
  it.each([
    [0.015625, " 0.01562"], // a tie: Python rounds half to even, toFixed would give 0.01563
    [-0.0, "-0.00000"],
    [-1e-7, "-0.00000"],
    [1e22, " 10000000000000000000000.00000"], // toFixed switches to exponent form here
    [123456.789, " 123456.78900"],
    [Number.NaN, " nan"],
    [Number.NEGATIVE_INFINITY, "-inf"],
    [0.04135, " 0.04135"],
    [-0.2233, "-0.22330"],
  ])('"%% 2.5f" %% %s', (v, want) => {
    expect(fixed(v)).toBe(want);
  });

  it.each([
    [9.9995, "9.999e+00"],
    [0, "0.000e+00"],
    [1e-310, "1.000e-310"],
    [1.2345e100, "1.235e+100"],
    [Number.POSITIVE_INFINITY, "inf"],
    [-2.5e-5, "-2.500e-05"],
    [1.0625, "1.062e+00"], // a tie, to even
    [0.7535, "7.535e-01"],
  ])('"%%.3e" %% %s', (v, want) => {
    expect(formatExp(v, 3)).toBe(want);
  });

  it('"%2s" pads to two columns', () => {
    expect(formatStr("0", 2)).toBe(" 0");
    expect(formatStr("100", 2)).toBe("100");
  });

  it("agrees with python3 on random and tie values", (ctx) => {
    const rng = new TrainRng(7);
    const values: number[] = [];
    for (let i = 0; i < 300; i++) {
      const mag = 10 ** (rng.uniform(-9, 6));
      values.push((rng.nextDouble() < 0.5 ? -1 : 1) * mag * rng.nextDouble());
    }
    for (let k = 1; k < 64; k += 2) values.push(k / 64, -k / 64, k / 1024); // exact ties at 5 decimals
    values.push(5e-324, 1.7976931348623157e308, 0.5, 1.5, 2.5);
    const py = `import sys, json\nfor v in json.load(sys.stdin):\n    print("% 2.5f" % v + "|" + "%.3e" % v)\n`;
    let out: string;
    try {
      out = execFileSync("python3", ["-c", py], { input: JSON.stringify(values), encoding: "utf8" });
    } catch {
      ctx.skip("python3 not found: comparison with Python itself skipped");
      return;
    }
    const lines = out.trim().split("\n");
    expect(lines.length).toBe(values.length);
    values.forEach((v, i) => expect(`${fixed(v)}|${formatExp(v, 3)}`, `value ${v}`).toBe(lines[i]));
  });
});
