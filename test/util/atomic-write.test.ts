// writeFileAtomic: the whole content or nothing, and an unwritable path named in one InputError.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { assertWritablePath, writeFileAtomic } from "../../src/util/atomic-write.js";

describe("writeFileAtomic", () => {
  it("creates missing folders, replaces an existing file and leaves no temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "sf-aw-"));
    const file = join(dir, "a", "b", "out.txt");
    writeFileAtomic(file, "first");
    writeFileAtomic(file, "second");
    expect(readFileSync(file, "utf8")).toBe("second");
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["out.txt"]);
  });

  it("refuses a folder and a path under a file, naming the path, with nothing left behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "sf-aw-"));
    mkdirSync(join(dir, "folder"));
    writeFileSync(join(dir, "plain"), "keep");
    const folder = join(dir, "folder");
    expect(() => writeFileAtomic(folder, "x")).toThrow(new InputError(folder, "", "a folder; a file name expected"));
    const under = join(dir, "plain", "out.txt");
    expect(() => writeFileAtomic(under, "x")).toThrow(InputError);
    expect(() => writeFileAtomic(under, "x")).toThrow(`${under}: cannot write: a parent of it is a file, a folder expected`);
    expect(readdirSync(dir).sort()).toEqual(["folder", "plain"]);
    expect(readdirSync(folder)).toEqual([]);
    expect(readFileSync(join(dir, "plain"), "utf8")).toBe("keep");
  });
});

describe("assertWritablePath", () => {
  it("accepts a new file in a missing folder, refuses a folder and a path under a file, and writes nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "sf-aw-"));
    writeFileSync(join(dir, "plain"), "keep");
    expect(() => assertWritablePath(join(dir, "new", "deeper", "m.json"))).not.toThrow();
    expect(() => assertWritablePath(dir)).toThrow(new InputError(dir, "", "a folder; a file name expected"));
    const under = join(dir, "plain", "m.json");
    expect(() => assertWritablePath(under)).toThrow(`${under}: cannot write: a parent of it is a file, a folder expected`);
    expect(readdirSync(dir)).toEqual(["plain"]);
  });
});
