// Prints vitest's JSON report (make test writes it) as one plain closing line that any CI reads:
// "vitest: N passed, N failed, N skipped". Exits non-zero when the report is missing or shows a
// failure, so the line can never hide one.
import { readFileSync } from "node:fs";

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  console.error(`print-summary: cannot read the vitest report ${file}: ${err.message}`);
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
process.exit(report.success && report.numFailedTests === 0 && report.numPassedTests > 0 ? 0 : 1);
