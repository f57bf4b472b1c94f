/**
 * `seqforge report model.q.json [more.q.json …] --data test.csv [--float model.json]
 * [--target NAME|all] --out report.html [--json]`: runs the models over the data, verifies the C
 * on the host and the targets, benches it on the QEMU ones, and writes one self-contained HTML
 * page (src/report). Everything is checked and measured before the page is written, in one go.
 * Exit 0 when every verification passed, 1 when one failed (the page shows where).
 */
import { assertNotAnInput, assertWritablePath, writeFileAtomic } from "../../util/atomic-write.js";
import { collectReport } from "../../report/collect.js";
import { openReportInputs } from "../../report/inputs.js";
import { renderReportPage } from "../../report/page.js";
import { numberFlag, stringFlag } from "../flag-values.js";
import type { ReportArgs } from "../main.js";

export async function run(args: ReportArgs): Promise<number> {
  const out = stringFlag("out", args.out);
  const modelFiles = args.models.map((m) => stringFlag("models", m));
  const dataFile = stringFlag("data", args.data);
  const floatFile = args.float === undefined ? undefined : stringFlag("float", args.float);
  assertNotAnInput(out, [
    ...modelFiles.map((path) => ({ path, what: "a model file" })),
    { path: dataFile, what: "the --data file" },
    ...(floatFile === undefined ? [] : [{ path: floatFile, what: "the --float file" }]),
  ]);
  const inputs = openReportInputs({ modelFiles, dataFile, floatFile, target: stringFlag("target", args.target) });
  const timeoutMs = numberFlag("timeout", args.timeout, 1) * 1000;
  assertWritablePath(out);
  const data = await collectReport({ ...inputs, timeoutMs, progress: (line) => process.stderr.write(line + "\n") });
  const page = await renderReportPage(data);
  writeFileAtomic(out, page);
  const ok = data.models.every((m) => m.verified);
  if (args.json) {
    process.stdout.write(JSON.stringify(data, null, 2) + "\n");
  } else {
    process.stdout.write(`wrote ${out} (${(Buffer.byteLength(page) / 1024).toFixed(0)} KB): ${data.models.map((m) => `${m.scheme} ${m.verified ? "verified" : "FAILED verification"}`).join(", ")} on ${data.targets.join(", ")}\n`);
  }
  return ok ? 0 : 1;
}
