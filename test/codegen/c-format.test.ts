import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commentSafe, doubleLiteral, floatLiteral, formatValues, groupDigits, intLiteral, perLineFor } from "../../src/codegen/c-format.js";

describe("commentSafe", () => {
  it.each([
    ["temp", "temp"],
    ["temp??/", "temp?\\?/"],
    ["a??=b??(c??)d??'e??<f??!g??>h??-i", "a?\\?=b?\\?(c?\\?)d?\\?'e?\\?<f?\\?!g?\\?>h?\\?-i"],
    ["???/", "??\\?/"],
    ["ends in ??", "ends in ?\\?"],
    ["a*/b", "a*\\/b"],
    ["a/*b", "a/\\*b"],
    ["*/*", "*\\/\\*"],
    ["C:\\data\\", "C:\\\\data\\\\"],
    ["one\ntwo\r\tthree\u0007\u001b\u007f\u0085\u2028", "one\\ntwo\\r\\tthree\\x07\\x1b\\x7f\\u0085\\u2028"],
    ["température °C — ok", "température °C — ok"],
  ])("%j → %j", (text, safe) => {
    expect(commentSafe(text)).toBe(safe);
  });

  it("leaves every comment whole for gcc -std=c99 (trigraphs on) -Wall -Wextra -Wpedantic -Werror", () => {
    // Each text at the end of a banner line, where a continued line would bite, and inside a
    // one-line comment before a declaration: a declaration swallowed by a comment would make
    // `all` fail to compile, and any trigraph or nested-comment warning is an error.
    const texts = ["temp??/", "??/", "a*/b", "/*", "*/*", "x\\", "\\", "a\nint broken;", "?", "??", "???/", "\t\r\u000b\u000c", "*", "/", "*\\"];
    const decls = texts.map((t, k) => `/*\n *   name  ${commentSafe(t)}\n */\nint v${k};\n/* ${commentSafe(t)} */ int w${k};\n`);
    const sum = texts.map((_, k) => `v${k} + w${k}`).join(" + ");
    const dir = mkdtempSync(join(tmpdir(), "seqforge-comment-"));
    const c = join(dir, "comments.c");
    writeFileSync(c, `${decls.join("")}int all(void) { return ${sum}; }\n`);
    expect(() => execFileSync("gcc", ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-c", c, "-o", join(dir, "comments.o")], { stdio: "pipe" })).not.toThrow();
  });
});

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
