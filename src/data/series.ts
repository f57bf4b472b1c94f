/**
 * The data stage's entry point (contract: ./api.ts): named columns of a CSV or JSON file as
 * float64 arrays, every cell checked.
 */
import type { LoadSeries } from "./api.js";
import { readSeriesFile } from "./table.js";

export const loadSeries: LoadSeries = (file, columns) => readSeriesFile(file, () => ({ names: columns, what: "requested" })).series;
