/**
 * The report page in a real browser: Debian's headless Chromium, driven by puppeteer-core (no
 * browser is downloaded; SEQFORGE_CHROMIUM names another executable). A model is trained on the
 * bundled data, quantized, and reported with the C verified on the host and on Cortex-M4 under
 * QEMU and benched there, as `make demo` does. The page is opened from its file with every other
 * request refused and recorded; the test fails on any request, console error or page error, and
 * counts the marks each plot drew, and their size on screen, against the numbers of the report's
 * JSON. A screenshot is left in out/test/report.png.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCliAsync, tempDir } from "../cli/helpers.js";
import { PANEL_LENGTH } from "../../src/report/figures.js";
import type { ReportData } from "../../src/report/collect.js";

const CHROMIUM = process.env.SEQFORGE_CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT = join(ROOT, "out", "test", "report.png");
const dir = tempDir();
const at = (f: string) => join(dir, f);

let data: ReportData;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

/** Per plot and per kind of data mark (not axes, legends or titles): how many, and how many cover some area or length on screen. */
type Marks = Record<string, Record<string, { count: number; drawn: number }>>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium), or name a Chromium with SEQFORGE_CHROMIUM`);
  const train = await runCliAsync([
    "train", "--data", "data/seattle-weather-train.csv", "--target", "temp_max", "--features", "temp_max,temp_min,precipitation,wind",
    "--window", "8", "--hidden", "8", "--epochs", "12", "--out", at("model.json"),
  ]);
  expect(train.code, train.stderr).toBe(0);
  const quantize = await runCliAsync(["quantize", at("model.json"), "--calib", "data/seattle-weather-train.csv", "--scheme", "w8a16", "--out", at("model.q.json")]);
  expect(quantize.code, quantize.stderr).toBe(0);
  const report = await runCliAsync(["report", at("model.q.json"), "--data", "data/seattle-weather-test.csv", "--target", "cortex-m4", "--out", at("report.html"), "--json"]);
  expect(report.code, report.stderr).toBe(0);
  data = JSON.parse(report.stdout) as ReportData;

  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"], headless: true });
  page = await browser.newPage();
  await page.setViewport({ width: 1000, height: 900 });
  const url = pathToFileURL(at("report.html")).href;
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    if (r.url() === url) return void r.continue();
    requests.push(r.url());
    void r.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warn") consoleErrors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`page error: ${(e as Error).message}`));
  await page.goto(url, { waitUntil: "load" });
  mkdirSync(join(ROOT, "out", "test"), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

async function marks(): Promise<Marks> {
  return page.evaluate(() => {
    const out: Record<string, Record<string, { count: number; drawn: number }>> = {};
    for (const fig of document.querySelectorAll("figure[data-figure]")) {
      const counts: Record<string, { count: number; drawn: number }> = {};
      for (const g of fig.querySelectorAll("svg g.role-mark")) {
        const kind = [...g.classList].find((c) => c.startsWith("mark-"))!.slice("mark-".length);
        const c = (counts[kind] ??= { count: 0, drawn: 0 });
        for (const el of g.children) {
          const box = (el as SVGGraphicsElement).getBoundingClientRect();
          c.count++;
          // A line or a rule may be flat in one direction; a bar, a dot or a label covers an area.
          const drawn = kind === "line" || kind === "rule" ? box.width > 0 || box.height > 0 : box.width > 0 && box.height > 0;
          if (drawn) c.drawn++;
        }
      }
      out[fig.getAttribute("data-figure")!] = counts;
    }
    return out;
  });
}

describe("the report page in Chromium", () => {
  it("loads from its file with no other request and no console error", () => {
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(Buffer.byteLength(readFileSync(at("report.html")))).toBeLessThan(2 * 1024 * 1024);
  });

  it("shows the six sections, each with its plots", async () => {
    const sections = await page.$$eval("section", (s) => s.map((x) => [x.id, x.querySelectorAll("figure svg").length]));
    expect(sections).toEqual([["summary", 1], ["training", 1], ["predictions", 2], ["errors", 2], ["tensors", 2], ["targets", 3]]);
    expect(await page.$$eval("td.pass", (t) => t.map((x) => x.textContent))).toEqual(["PASS", "PASS", "PASS"]);
  });

  it("draws every mark of every plot, as many as the report's numbers call for", async () => {
    const m = await marks();
    const n = data.predictions.rows.length;
    const drawnAll = (figure: string, kind: string, count: number) => expect(m[figure]?.[kind], `${figure} ${kind}`).toEqual({ count, drawn: count });

    drawnAll("headline", "rect", data.headline.length);
    drawnAll("headline", "text", data.headline.length);

    const history = data.training!.history;
    drawnAll("training", "line", 2);
    drawnAll("training", "symbol", history.length + history.filter((e) => e.valLoss !== null).length);
    drawnAll("training", "rule", 1);
    drawnAll("training", "text", 1);

    // Lines (truth, float64, simulator) per panel; a dot per prediction for the C on each target.
    expect(data.predictions.targets[0]!.lines.map((l) => l.name)).toEqual(["truth", "float64", "w8a16 simulator", "w8a16 C host", "w8a16 C cortex-m4"]);
    drawnAll("predictions", "line", 3 * Math.ceil(n / PANEL_LENGTH));
    drawnAll("predictions", "symbol", 2 * n);
    drawnAll("residuals", "line", 2);

    const bins = data.errors.histogram;
    // A bin with no prediction is a bar of no height.
    expect(m["error-histogram"]!.rect).toEqual({ count: bins.length, drawn: bins.filter((b) => b.count > 0).length });
    drawnAll("error-drift", "symbol", n);
    drawnAll("error-drift", "line", 1);

    drawnAll("tensor-ranges", "rect", 2 * data.tensors.length);
    drawnAll("tensor-ranges", "text", data.tensors.length);
    // Bars as long as each count (none, when nothing saturates); the count beside each, always.
    expect(m.saturations!.rect!.count).toBe(data.saturations.length);
    expect(m.saturations!.rect!.drawn).toBe(data.saturations.filter((s) => s.count > 0).length);
    drawnAll("saturations", "text", data.saturations.length);

    expect(data.bench.map((b) => b.target)).toEqual(["cortex-m4"]);
    drawnAll("instructions", "rect", 1);
    drawnAll("flash", "rect", 3);
    drawnAll("flash", "text", 1);
    drawnAll("ram", "rect", 4);
    drawnAll("ram", "text", 4);
  });

  it("shows the numbers behind a plot when its table is opened", async () => {
    const rows = await page.$eval("figure[data-figure='instructions'] + details", async (d) => {
      const table = d.querySelector("table")!;
      const before = table.checkVisibility();
      (d as HTMLDetailsElement).open = true;
      return { before, after: table.checkVisibility(), cells: [...d.querySelectorAll("td")].map((t) => t.textContent) };
    });
    expect(rows.before).toBe(false);
    expect(rows.after).toBe(true);
    expect(rows.cells.slice(0, 3)).toEqual(["cortex-m4", "w8a16", data.bench[0]!.instructionsPerStep.toLocaleString("en-US")]);
  });

  it("leaves a screenshot of the whole page", () => {
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1000);
    expect(png.readUInt32BE(20)).toBeGreaterThan(3000);
  });
});
