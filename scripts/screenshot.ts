// A screenshot of a report page in headless Chromium (Debian's `chromium`, driven by
// puppeteer-core; no browser is downloaded), for the README (make screenshot):
//   node build/scripts/screenshot.js out/report.html docs/report.png [--width 1000] [--height H]
// The page is opened from its file with every network request refused. Without --height the
// whole page is taken. SEQFORGE_CHROMIUM names another browser executable.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";

const [page, png, ...rest] = process.argv.slice(2);
if (!page || !png) {
  console.error("usage: node build/scripts/screenshot.js REPORT.html OUT.png [--width W] [--height H]");
  process.exit(2);
}
const option = (name: string, fallback: number | undefined): number | undefined => {
  const k = rest.indexOf(`--${name}`);
  return k >= 0 ? Number(rest[k + 1]) : fallback;
};
const width = option("width", 1000)!;
const height = option("height", undefined);

const browser = await puppeteer.launch({
  executablePath: process.env.SEQFORGE_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
  headless: true,
});
try {
  const tab = await browser.newPage();
  await tab.setViewport({ width, height: height ?? 800 });
  await tab.setRequestInterception(true);
  tab.on("request", (r) => (r.url().startsWith("file:") ? r.continue() : r.abort()));
  await tab.goto(pathToFileURL(resolve(page)).href, { waitUntil: "load" });
  await tab.screenshot({ path: png as `${string}.png`, fullPage: height === undefined });
  console.log(`wrote ${png} (${width}×${height ?? "full page"})`);
} finally {
  await browser.close();
}
