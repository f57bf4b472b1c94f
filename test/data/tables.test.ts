// Reading CSV and JSON tables as spreadsheets and loggers write them, and refusing what would
// silently corrupt a series: each bad case must name the file, the line and the column.
import { describe, expect, it } from "vitest";
import { readColumns } from "../../src/data/table.js";
import { detectDelimiter } from "../../src/data/csv.js";

const enc = (s: string) => new TextEncoder().encode(s);
const read = (text: string, cols: string[], file = "d.csv") => readColumns(enc(text), file, () => ({ names: cols, what: "requested" }));
const load = (text: string, cols: string[], file = "d.csv") => read(text, cols, file).series;
const col = (text: string, name: string, file = "d.csv") => Array.from(load(text, [name], file).columns.get(name)!);
const err = (text: string, cols: string[], file = "d.csv"): string => {
  try {
    load(text, cols, file);
  } catch (e) {
    expect((e as Error).name).toBe("InputError");
    expect((e as Error).message).not.toContain("\n");
    return (e as Error).message;
  }
  throw new Error("no error thrown");
};

describe("CSV dialects", () => {
  it("reads a BOM, CRLF line ends and trailing blank lines", () => {
    const t = "\ufefftime,temp\r\n1,20.5\r\n2,21\r\n\r\n\r\n";
    expect(col(t, "temp")).toEqual([20.5, 21]);
    expect(read(t, ["temp"]).header).toEqual(["time", "temp"]);
  });
  it("reads quoted cells, including a quoted header and a separator inside quotes", () => {
    const t = '"label, long","temp"\n"a, b","1.5"\n"c",-2e1\n';
    expect(col(t, "temp")).toEqual([1.5, -20]);
    expect(read(t, ["temp"]).header).toEqual(["label, long", "temp"]);
  });
  it("detects ; and tab separators, and reads decimal commas only with ;", () => {
    expect(detectDelimiter("a;b;c\n1,5;2;3")).toBe(";");
    expect(detectDelimiter("a\tb\n")).toBe("\t");
    expect(detectDelimiter('"x;y",b\n')).toBe(",");
    expect(detectDelimiter("single\n1\n")).toBe(",");
    expect(col("a;b\n1,5;2\n-0,25;3\n", "a")).toEqual([1.5, -0.25]);
    expect(col("a\tb\n1\t2.5\n", "b")).toEqual([2.5]);
    expect(err('a,b\n"1,5",2\n', ["a"])).toMatch(/d\.csv: line 2, column "a": "1,5" is not a number.*decimal comma is read only in `;`-separated files/);
  });
  it("trims spaces around header names and cells", () => {
    expect(col(" a , b \n 1 , 2 \n", "b")).toEqual([2]);
  });
  it("leaves columns nobody asked for unparsed", () => {
    expect(col("date,t\n2012-01-01,3\n2012-01-02,4\n", "t")).toEqual([3, 4]);
  });
  it("reads a JSON array of records, numbers or numeric strings", () => {
    expect(col('[{"a": 1, "b": "2.5"}, {"a": 3, "b": 4}]', "b", "d.json")).toEqual([2.5, 4]);
  });
});

describe("bad tables: one line naming file, place and what was expected", () => {
  const cases: [string, string, string[], RegExp, string?][] = [
    ["empty file", "", ["a"], /^d\.csv: empty file; a header line and data rows expected$/],
    ["blank file", "\ufeff\r\n\n", ["a"], /^d\.csv: empty file/],
    ["header only", "a,b\n", ["a"], /^d\.csv: header only \(columns a, b\); data rows expected$/],
    ["missing column", "a,b\n1,2\n", ["c"], /^d\.csv: header: requested column "c" not found; columns found: "a", "b"$/],
    ["non-numeric cell", "a,b\n1,2\n3,x7\n", ["b"], /^d\.csv: line 3, column "b": "x7" is not a number; a number expected$/],
    ["empty cell", "a,b\n1,2\n3,\n", ["b"], /^d\.csv: line 3, column "b": empty cell; a number expected/],
    ["NaN", "a,b\n1,NaN\n", ["b"], /^d\.csv: line 2, column "b": "NaN" is not finite; a finite number expected/],
    ["Inf", "a,b\n1,-inf\n", ["b"], /^d\.csv: line 2, column "b": "-inf" is not finite/],
    ["overflow", "a,b\n1,1e400\n", ["b"], /^d\.csv: line 2, column "b": "1e400" is out of the range of a double/],
    ["ragged row, short", "a,b\n1,2\n3\n", ["a"], /^d\.csv: line 3: 1 cells found, 2 expected as in the header \(cells separated by ","\)$/],
    ["ragged row, long", "a,b\n1,2,3\n", ["a"], /^d\.csv: line 2: 3 cells found, 2 expected/],
    ["blank line inside", "a,b\n1,2\n\n3,4\n", ["a"], /^d\.csv: line 3: blank line inside the data/],
    ["line after a multi-line quoted cell", 'a,b\n1,"x\ny"\n3\n', ["a"], /^d\.csv: line 4: 1 cells found/],
    ["bad quoting", 'a,b\n1,"2"x\n', ["a"], /^d\.csv: line 2: not valid CSV/],
    ["duplicate column", "a,a\n1,2\n", ["a"], /^d\.csv: header: column "a" appears more than once/],
    ["JSON not an array", '{"a": 1}', ["a"], /^d\.json: a JSON array of records expected$/, "d.json"],
    ["JSON empty array", "[]", ["a"], /^d\.json: an empty array; records expected$/, "d.json"],
    ["JSON null", '[{"a": 1}, {"a": null}]', ["a"], /^d\.json: record \[1\], field "a": empty cell/, "d.json"],
    ["JSON ragged", '[{"a": 1, "b": 2}, {"a": 1}]', ["a"], /^d\.json: record \[1\]: fields missing "b"; the fields of record \[0\] expected$/, "d.json"],
    ["JSON boolean", '[{"a": true}]', ["a"], /^d\.json: record \[0\], field "a": true is not a number/, "d.json"],
    ["JSON syntax", "[{", ["a"], /^d\.json: not valid JSON/, "d.json"],
  ];
  for (const [name, text, cols, re, file] of cases) {
    it(name, () => expect(err(text, cols, file)).toMatch(re));
  }
});
