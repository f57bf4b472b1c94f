/**
 * The generated TypeScript module in a browser: Debian's headless Chromium (puppeteer-core; no
 * browser is downloaded; SEQFORGE_CHROMIUM names another executable). Random quantized models of
 * the fuzzer (every integer scheme, both cells, both run modes) are generated, type-checked and
 * transpiled as `verify --target ts` does; the JavaScript is imported by the page from a blob
 * (no file, no network, no Node API) and run through the module's public API on the case's input
 * sequences. Outputs and state must equal the simulator's bit for bit, as under Node.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTsModule } from "../../src/codegen/ts/module.js";
import { buildProgram } from "../../src/toolchain/index.js";
import { makeCase, type FuzzCase } from "../../src/verify/fuzz.js";
import { simulateRecords } from "../../src/verify/reference.js";
import type { DriverRecord } from "../../src/verify/driver-io.js";
import { tempDir } from "../cli/helpers.js";

const CHROMIUM = process.env.SEQFORGE_CHROMIUM ?? "/usr/bin/chromium";
const FIRST_SEED = 7100;
const CASES = 16;
const dir = tempDir();

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/**
 * Runs in the page, as plain JavaScript (the test's own code is transformed by vitest, which
 * rewrites import()): imports the module from its JavaScript text and returns, per input
 * sequence, the records the verify driver writes (y, then c and h of every layer), from a reset
 * state (window mode: an empty window, one record per full window).
 */
const RUN_IN_PAGE = `async (js, sequences, windowMode) => {
  const url = URL.createObjectURL(new Blob([js], { type: "text/javascript" }));
  const m = await import(url);
  URL.revokeObjectURL(url);
  return sequences.map((rows) => {
    const state = m.createState();
    const x = m.newInput();
    const y = m.newOutput();
    const records = [];
    const window = windowMode ? m.createWindow() : null;
    if (!windowMode) m.reset(state);
    for (const row of rows) {
      row.forEach((v, k) => (x[k] = v));
      if (window !== null) {
        m.windowPush(window, x);
        if (!m.windowFull(window)) continue;
        m.predict(window, state, y);
      } else {
        m.step(state, x);
        m.output(state, y);
      }
      records.push({ y: Array.from(y), c: state.c.map((v) => Array.from(v)), h: state.h.map((v) => Array.from(v)) });
    }
    return records;
  });
}`;

/** The case's module, type-checked under the ts target's options and transpiled: its JavaScript. */
async function moduleJs(c: FuzzCase, name: string): Promise<string> {
  const caseDir = join(dir, name);
  mkdirSync(caseDir, { recursive: true });
  const [module] = generateTsModule(c.model, { name });
  writeFileSync(join(caseDir, module!.name), module!.content);
  const built = await buildProgram({ target: "ts", sources: [join(caseDir, module!.name)], includeDirs: [], outDir: join(caseDir, "build") });
  return readFileSync(built.executable, "utf8");
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install chromium), or name a Chromium with SEQFORGE_CHROMIUM`);
  browser = await puppeteer.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"], headless: true });
  page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push((e as Error).message));
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
  await page.goto("about:blank");
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe("the generated TypeScript module in Chromium", () => {
  it(`equals the simulator bit for bit on ${CASES} random models (seeds ${FIRST_SEED}…)`, { timeout: 300_000 }, async () => {
    const cases = Array.from({ length: CASES }, (_, i) => makeCase(FIRST_SEED + i));
    // The seeds are fixed so that the set is known to span the variations, not left to chance.
    expect(new Set(cases.map((c) => c.model.scheme))).toEqual(new Set(["w8a16", "w16a16", "w8a8"]));
    expect(new Set(cases.map((c) => c.model.architecture.cell))).toEqual(new Set(["standard", "seed"]));
    expect(new Set(cases.map((c) => c.model.architecture.mode))).toEqual(new Set(["stream", "window"]));
    let compared = 0;
    for (const c of cases) {
      const js = await moduleJs(c, `case_${c.seed}`);
      const windowMode = c.model.architecture.mode === "window";
      const got = (await page.evaluate(`(${RUN_IN_PAGE})(${JSON.stringify(js)}, ${JSON.stringify(c.inputs)}, ${windowMode})`)) as DriverRecord[][];
      const want = c.inputs.map((rows) => simulateRecords(c.model, rows).records);
      expect(got, `seed ${c.seed} (${c.model.scheme}, ${c.model.architecture.cell}, ${c.model.architecture.mode})`).toEqual(want);
      compared += want.reduce((n, r) => n + r.length, 0);
    }
    expect(pageErrors).toEqual([]);
    expect(compared).toBeGreaterThan(CASES * 10);
  });
});
