// The bundled series (data/README.md) reads cleanly with the demo's columns, and the two files
// are one chronological series: train ends the day before test starts, no day missing.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadSeries } from "../../src/data/series.js";

const cols = ["temp_max", "temp_min", "precipitation", "wind"];
/** The date column (text, which the reader does not parse), as days since 1970. */
const days = (file: string) => {
  const [header, ...lines] = readFileSync(file, "utf8").trimEnd().split("\n");
  const c = header!.split(",").indexOf("date");
  return lines.map((l) => Date.parse(`${l.split(",")[c]}T00:00:00Z`) / 86_400_000);
};

describe("bundled Seattle weather", () => {
  it("loads the demo's columns from both files", () => {
    expect(loadSeries("data/seattle-weather-train.csv", cols).rows).toBe(1096);
    expect(loadSeries("data/seattle-weather-test.csv", cols).rows).toBe(365);
  });
  it("is consecutive days, 2012-01-01 to 2015-12-31, split at the new year", () => {
    const all = [...days("data/seattle-weather-train.csv"), ...days("data/seattle-weather-test.csv")];
    expect(all[0]).toBe(Date.UTC(2012, 0, 1) / 86_400_000);
    expect(all[1095]).toBe(Date.UTC(2014, 11, 31) / 86_400_000);
    expect(all.every((d, k) => k === 0 || d === all[k - 1]! + 1)).toBe(true);
    expect(all).toHaveLength(1461);
  });
});

describe("bundled series for the accuracy benchmarks (scripts/series.ts)", () => {
  it("Mauna Loa CO2: monthly, 1958-03 to 2020-04, split at 2010, rising", () => {
    const train = loadSeries("data/co2-mauna-loa-train.csv", ["CO2", "adjusted CO2"]);
    const test = loadSeries("data/co2-mauna-loa-test.csv", ["CO2", "adjusted CO2"]);
    expect([train.rows, test.rows]).toEqual([617, 124]);
    const dates = (f: string) => readFileSync(f, "utf8").trimEnd().split("\n").slice(1).map((l) => l.split(",")[0]);
    expect(dates("data/co2-mauna-loa-train.csv").at(-1)).toBe("2009-12-01");
    expect(dates("data/co2-mauna-loa-test.csv")[0]).toBe("2010-01-01");
    // The trend: every held-out month lies above the training file's mean by more than 30 ppm.
    const co2 = train.columns.get("CO2")!;
    const mean = co2.reduce((a, b) => a + b, 0) / co2.length;
    expect(Math.min(...test.columns.get("CO2")!)).toBeGreaterThan(mean + 30);
  });

  it("Seattle hourly normals: consecutive hours, split at November", () => {
    const cols3 = ["temperature", "pressure", "wind"];
    expect(loadSeries("data/seattle-hourly-normals-train.csv", cols3).rows).toBe(7295);
    expect(loadSeries("data/seattle-hourly-normals-test.csv", cols3).rows).toBe(1464);
    const hours = (f: string) => readFileSync(f, "utf8").trimEnd().split("\n").slice(1).map((l) => Date.parse(`${l.split(",")[0]}Z`) / 3_600_000);
    const all = [...hours("data/seattle-hourly-normals-train.csv"), ...hours("data/seattle-hourly-normals-test.csv")];
    expect(all.every((h, k) => k === 0 || h === all[k - 1]! + 1)).toBe(true);
  });
});
