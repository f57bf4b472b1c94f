import { describe, expect, it } from "vitest";
import { doubleLiteral, floatLiteral, formatValues, groupDigits, intLiteral, perLineFor } from "../../src/codegen/c-format.js";

describe("floatLiteral", () => {
  it.each([
    [0, "0.0f"],
    [-0, "-0.0f"],
    [1, "1.0f"],
    [-2.5, "-2.5f"],
    [0.1, "0.1f"],
    [1e-7, "1.0e-07f"],
    [3.4e38, "3.4e+38f"],
    [123456789, "1.2345679e+08f"],
  ])("%d → %s", (v, text) => {
    expect(floatLiteral(v)).toBe(text);
  });

  it("reads back as the same float32, shortest form, for many values", () => {
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = Math.fround((seed / 2 ** 31 - 0.5) * 10 ** ((i % 20) - 10));
      const text = floatLiteral(v);
      expect(text).toMatch(/^-?\d+\.\d+(e[+-]\d\d)?f$/);
      expect(Math.fround(Number(text.slice(0, -1)))).toBe(v);
    }
  });

  it("refuses non-finite values", () => {
    expect(() => floatLiteral(Infinity)).toThrow(RangeError);
    expect(() => floatLiteral(NaN)).toThrow(RangeError);
  });
});

describe("integer and double literals", () => {
  it("writes INT32_MIN as an expression C accepts without a warning", () => {
    expect(intLiteral(-2147483648)).toBe("(-2147483647 - 1)");
    expect(intLiteral(-2147483647)).toBe("-2147483647");
    expect(() => intLiteral(0.5)).toThrow(RangeError);
  });

  it("writes doubles that read back exactly", () => {
    for (const v of [0, 1, -3, 0.1, 1 / 3, 1e21, -2.5e-300, 123.456]) {
      const text = doubleLiteral(v);
      expect(text).toMatch(/[.e]/);
      expect(Number(text)).toBe(v);
    }
  });
});

describe("formatValues", () => {
  it("aligns a flat list in columns, a comma after every value", () => {
    expect(formatValues([1, -20, 300, 4], { perLine: 3, indent: "  " }, String)).toBe("    1, -20, 300,\n    4,");
  });

  it("braces and labels each row of a 2-D array", () => {
    const text = formatValues([1, 2, 3, 4, 5, 6], { perLine: 4, indent: "  " }, String, { rowLength: 3, label: (r) => `row ${r}` });
    expect(text).toBe("  { 1, 2, 3 }, /* row 0 */\n  { 4, 5, 6 }, /* row 1 */");
    const long = formatValues([1, 2, 3, 4, 5], { perLine: 2, indent: " " }, String, { rowLength: 5, label: () => "r" });
    expect(long).toBe(" { /* r */\n  1, 2,\n  3, 4,\n  5 },");
  });

  it("keeps lines near 100 columns and groups digits without a locale", () => {
    expect(perLineFor(["-32768"], 8)).toBe(11);
    expect(perLineFor(["1"], 4)).toBe(16);
    expect(groupDigits(9216)).toBe("9,216");
    expect(groupDigits(1234567)).toBe("1,234,567");
    expect(groupDigits(12)).toBe("12");
  });
});
