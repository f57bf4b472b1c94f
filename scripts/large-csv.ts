/**
 * A large synthetic sensor CSV for measuring what a training run on a big file costs
 * (scripts/bench-memory.ts): a header `time,temp,wind` and one row per hour, an ISO timestamp
 * and two readings printed to 12 decimals, about 52 bytes a row (103 MB for 2,000,000 rows).
 * The series are deterministic (no random generator): a daily and a yearly wave and a second
 * column that leads the first, so the file is the same bytes on every machine.
 *
 *   node build/scripts/large-csv.js OUT.csv [ROWS]     (after `make scripts`)
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function writeLargeCsv(file: string, rows: number): void {
  const fd = openSync(file, "w");
  try {
    writeSync(fd, "time,temp,wind\n");
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
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, rowsText = "2000000"] = process.argv.slice(2);
  const rows = Number(rowsText);
  if (!out || !Number.isInteger(rows) || rows < 1) {
    process.stderr.write("usage: node build/scripts/large-csv.js OUT.csv [ROWS]\n");
    process.exit(2);
  }
  writeLargeCsv(out, rows);
}
