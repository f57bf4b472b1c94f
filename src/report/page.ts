/**
 * The report page: one HTML file that needs nothing else — the plots are inline SVG rendered at
 * generation time (./render.ts), the style is inline, there is no script, font, image or link to
 * fetch. Under each plot, collapsed, the table of the numbers it draws (./figures.ts).
 */
import { F32_TOLERANCE } from "../verify/verify.js";
import { SECTION_IDS, type ReportData } from "./collect.js";
import { figuresOf, SECTION_TITLES, type Cell, type Figure } from "./figures.js";
import { renderSvg } from "./render.js";

const STYLE = `
body { font-family: sans-serif; color: #222; margin: 0 auto; max-width: 980px; padding: 16px 24px 48px; line-height: 1.4; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 18px 0 4px; }
p.meta, figcaption, p.note { color: #555; font-size: 13px; }
figure { margin: 8px 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 12px; margin: 6px 0; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f4f4f4; }
details { margin: 4px 0 12px; font-size: 12px; }
details > summary { cursor: pointer; color: #446; }
details table { display: block; max-height: 420px; overflow: auto; }
.pass { color: #1a7f37; font-weight: bold; }
.fail { color: #c62828; font-weight: bold; }
`;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function cell(v: Cell): string {
  if (v === null) return `<td class="n">–</td>`;
  return typeof v === "number" ? `<td class="n">${v.toLocaleString("en-US", { maximumSignificantDigits: 6 })}</td>` : `<td>${esc(v)}</td>`;
}

function table(columns: readonly string[], rows: readonly Cell[][]): string {
  const head = `<tr>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
  return `<table>${head}${rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</table>`;
}

async function figureHtml(f: Figure): Promise<string> {
  const svg = await renderSvg(f.spec);
  return [
    `<h3>${esc(f.title)}</h3>`,
    `<figure data-figure="${f.id}">${svg}<figcaption>${esc(f.caption)}</figcaption></figure>`,
    `<details><summary>The numbers behind this plot (${f.table.rows.length} row${f.table.rows.length === 1 ? "" : "s"})</summary>${table(f.table.columns, f.table.rows)}</details>`,
  ].join("\n");
}

const fmt = (v: number) => (v === 0 ? "0" : Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(4));

/** What verify holds the C to, for the schemes on the page (src/verify/verify.ts). */
function againstWhat(r: ReportData): string {
  const integer = "integer schemes against the fixed-point simulator, bit for bit (outputs and the state of every layer)";
  const f32 = `f32 against float64 on the file's float32 weights, within ${F32_TOLERANCE} on normalised outputs`;
  const schemes = new Set(r.models.map((m) => (m.scheme === "f32" ? "f32" : "integer")));
  return [...(schemes.has("integer") ? [integer] : []), ...(schemes.has("f32") ? [f32] : [])].join("; ");
}

/** The summary's text: the model, each quantized file's verification per target, the errors against float. */
function summaryHtml(r: ReportData): string {
  const a = r.floatModel.architecture;
  const shape = `${a.cell} LSTM, ${a.inputSize} input${a.inputSize > 1 ? "s" : ""} (${r.floatModel.features.join(", ")}) → ${a.layers} × ${a.hiddenSize} units → ${a.outputSize} output${a.outputSize > 1 ? "s" : ""} (${r.floatModel.targets.join(", ")})`;
  const mode = a.mode === "window" ? `window mode: each prediction runs the last ${a.window} rows from a reset state` : `stream mode: the state is carried from row to row (trained on chunks of ${a.window})`;
  const verdictRows = r.models.flatMap((m) =>
    m.verdicts.map((v) => [m.label, v.target, v.variant, v.passed ? "PASS" : "FAIL", v.summary] as Cell[]),
  );
  const verdicts = table(["scheme", "target", "build", "verdict", "what was checked"], verdictRows).replace(/<td>(PASS|FAIL)<\/td>/g, (_, w: string) => `<td class="${w.toLowerCase()}">${w}</td>`);
  const accuracy = table(
    ["scheme", "file", "l2r", "max |Δ|", "RMSE", "cosine", "saturations"],
    r.models.map((m) => [
      m.label,
      m.file,
      fmt(m.againstFloat.l2r),
      fmt(m.againstFloat.maxAbs),
      fmt(m.againstFloat.rmse),
      m.againstFloat.cosine.toFixed(7),
      Object.values(m.againstFloat.saturations ?? {}).reduce((s, n) => s + n, 0),
    ]),
  );
  const baseline =
    "note" in r.baseline
      ? `No linear baseline: ${esc(r.baseline.note)}.`
      : `Linear baseline: ordinary least squares from the same ${a.window} rows of the ${a.inputSize} features to the target ${a.horizon} row(s) ahead (an intercept and ${a.window * a.inputSize} weights per target, on normalised values), fitted on ${esc(r.baseline.fittedOn)}: ${r.baseline.samples} samples.`;
  const ok = r.models.every((m) => m.verified);
  return [
    `<p><b>${esc(shape)}</b>; ${esc(mode)}, predicting ${a.horizon} row(s) ahead.</p>`,
    `<p>Verification of the generated C on ${esc(r.data.file)}, ${esc(againstWhat(r))}: <span class="${ok ? "pass" : "fail"}">${ok ? "every run PASS" : "FAIL"}</span>.</p>`,
    verdicts,
    `<p>Each quantized model against float64 on this data (normalised outputs; l2r = ‖y<sub>q</sub> − y<sub>f</sub>‖ / ‖y<sub>f</sub>‖):</p>`,
    accuracy,
    `<p class="note">${baseline}</p>`,
  ].join("\n");
}

export async function renderReportPage(r: ReportData): Promise<string> {
  const figures = figuresOf(r);
  const sections: string[] = [];
  for (const id of SECTION_IDS) {
    const body: string[] = [];
    if (id === "summary") body.push(summaryHtml(r));
    for (const f of figures[id]) body.push(await figureHtml(f));
    for (const n of r.notes.filter((x) => x.section === id)) body.push(`<p class="note">${esc(n.text)}</p>`);
    sections.push(`<section id="${id}" data-figures="${figures[id].length}">\n<h2>${esc(SECTION_TITLES[id])}</h2>\n${body.join("\n")}\n</section>`);
  }
  const models = r.models.map((m) => `${m.file} (${m.scheme})`).join(", ");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>seqforge report: ${esc(models)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>seqforge report</h1>
<p class="meta">${esc(models)} · float model ${esc(r.floatModel.file)} · data ${esc(r.data.file)} (${r.data.rows} rows) · verified on ${esc(r.targets.join(", "))} · seqforge ${esc(r.seqforge)}</p>
${sections.join("\n")}
</body>
</html>
`;
}

