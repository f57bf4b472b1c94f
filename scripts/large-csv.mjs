#!/usr/bin/env node
/**
 * Writes a large synthetic sensor CSV for measuring the memory and time of a training run on a
 * big file (README.md, "Large files"): a header `time,temp,wind` and ROWS rows (default
 * 2,000,000) of an hourly timestamp and two readings printed to 12 decimals, about 52 bytes a
 * row (103 MB for the default). The series are deterministic (no random generator): a daily and
 * a yearly wave and a second column that leads the first, so the file is the same bytes on
 * every machine.
 *
 *   node scripts/large-csv.mjs OUT.csv [ROWS]
 */
import { createWriteStream } from "node:fs";

const [out, rowsText = "2000000"] = process.argv.slice(2);
const rows = Number(rowsText);
if (!out || !Number.isInteger(rows) || rows < 1) {
  process.stderr.write("usage: node scripts/large-csv.mjs OUT.csv [ROWS]\n");
  process.exit(2);
}
const file = createWriteStream(out);
const write = (text) => (file.write(text) ? Promise.resolve() : new Promise((done) => file.once("drain", done)));

await write("time,temp,wind\n");
const start = Date.UTC(2000, 0, 1);
const CHUNK = 10_000;
for (let from = 0; from < rows; from += CHUNK) {
  let text = "";
  for (let r = from; r < Math.min(rows, from + CHUNK); r++) {
    const day = (2 * Math.PI * r) / 24;
    const year = (2 * Math.PI * r) / (24 * 365);
    const temp = 12 + 8 * Math.sin(year) + 4 * Math.sin(day) + 0.7 * Math.sin(r * 0.37);
    const wind = 3 + 2 * Math.cos(day + 0.5) + 0.5 * Math.sin(r * 1.13);
    const time = new Date(start + r * 3_600_000).toISOString().replace(".000Z", "Z");
    text += `${time},${temp.toFixed(12)},${wind.toFixed(12)}\n`;
  }
  await write(text);
}
file.end();
