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
