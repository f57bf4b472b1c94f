// No command writes over one of its own inputs: an output path that is an input file, however
// reached (the same spelling, another spelling, a symbolic link, a hard link), is refused with
// one line under the output's flag, exit 2, and the input is left byte for byte as it was.
import { linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { serializeModel } from "../../src/model/model-file.js";
import { saveQuantModel } from "../../src/quant/index.js";
import { floatModel, quantized } from "../verify/fixtures.js";
import { ROOT, runCliAsync, tempDir, tinyModel, type CliResult } from "./helpers.js";

let dir: string;
const series = ["x,y", ...Array.from({ length: 40 }, (_, r) => `${Math.sin(r / 3).toFixed(4)},${(10 + Math.cos(r / 4)).toFixed(4)}`)].join("\n") + "\n";

/** Writes `text` at `name` under the test's folder; each case has its own subfolder, so cases never share a file. */
function fresh(name: string, text: string): string {
  const f = join(dir, name);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(f, text);
  return f;
}

interface Case {
  /** The command line, and the input that --out names. */
  args: () => { args: string[]; input: string };
  message: RegExp;
}

const cases: [string, Case][] = [
  ["train: --out is the --data file", { args: () => { const d = fresh("t1/d.csv", series); return { args: ["train", "--data", d, "--target", "y", "--window", "3", "--epochs", "1", "--out", d], input: d }; }, message: /--out: \S*d\.csv is the --data file; writing it would replace that input: a different file expected$/ }],
  [
    "train: --out is the --data file spelled another way",
    {
      args: () => {
        const d = fresh("t2/d.csv", series);
        // Relative to the working directory (the repository root), through `..` and back.
        const other = `${relative(ROOT, dir)}/t2/../t2/d.csv`;
        return { args: ["train", "--data", d, "--target", "y", "--window", "3", "--epochs", "1", "--out", other], input: d };
      },
      message: /--out: \S*t2\/\.\.\/t2\/d\.csv is the --data file \(\S*t2\/d\.csv\); writing it would replace that input/,
    },
  ],
  [
    "train: --out is a symbolic link to the --data file",
    {
      args: () => {
        const d = fresh("t3/d.csv", series);
        const link = join(dir, "t3", "link.csv");
        symlinkSync(d, link);
        return { args: ["train", "--data", d, "--target", "y", "--window", "3", "--epochs", "1", "--out", link], input: d };
      },
      message: /--out: \S*link\.csv is the --data file \(\S*d\.csv\)/,
    },
  ],
  [
    "train: --out is a hard link to the --data file",
    {
      args: () => {
        const d = fresh("t4/d.csv", series);
        const link = join(dir, "t4", "hard.csv");
        linkSync(d, link);
        return { args: ["train", "--data", d, "--target", "y", "--window", "3", "--epochs", "1", "--out", link], input: d };
      },
      message: /--out: \S*hard\.csv is the --data file \(\S*d\.csv\)/,
    },
  ],
  [
    "predict: --out is the --data file",
    {
      args: () => {
        const d = fresh("p1/d.csv", series);
        const m = fresh("p1/m.json", serializeModel(tinyModel()));
        return { args: ["predict", m, "--data", d, "--out", d], input: d };
      },
      message: /--out: \S*d\.csv is the --data file;/,
    },
  ],
  [
    "predict: --out is the model file",
    {
      args: () => {
        const d = fresh("p2/d.csv", series);
        const m = fresh("p2/m.json", serializeModel(tinyModel()));
        return { args: ["predict", m, "--data", d, "--out", m], input: m };
      },
      message: /--out: \S*m\.json is the model file;/,
    },
  ],
  [
    "quantize: --out is the model file",
    {
      args: () => {
        const d = fresh("q1/d.csv", series);
        const m = fresh("q1/m.json", serializeModel(tinyModel()));
        return { args: ["quantize", m, "--calib", d, "--out", m], input: m };
      },
      message: /--out: \S*m\.json is the model file;/,
    },
  ],
  [
    "quantize: --out is the --calib file",
    {
      args: () => {
        const d = fresh("q2/d.csv", series);
        const m = fresh("q2/m.json", serializeModel(tinyModel()));
        return { args: ["quantize", m, "--calib", d, "--out", d], input: d };
      },
      message: /--out: \S*d\.csv is the --calib file;/,
    },
  ],
  [
    "quantize: --out is the --data file",
    {
      args: () => {
        const c = fresh("q3/c.csv", series);
        const d = fresh("q3/d.csv", series);
        const m = fresh("q3/m.json", serializeModel(tinyModel()));
        return { args: ["quantize", m, "--calib", c, "--data", d, "--out", d], input: d };
      },
      message: /--out: \S*d\.csv is the --data file;/,
    },
  ],
  [
    "generate: a file it writes is the model file",
    {
      args: () => {
        // A quantized model saved as `m.h` in the output folder: generating `--name m` there writes m.h.
        const fm = floatModel({ mode: "window", inputSize: 2, hidden: 3, window: 3 });
        const folder = join(dir, "g1");
        mkdirSync(folder, { recursive: true });
        const m = join(folder, "m.h");
        saveQuantModel(quantized(fm, "w8a16"), m);
        return { args: ["generate", m, "--name", "m", "--target", "host", "--out", folder], input: m };
      },
      message: /--out: \S*g1\/m\.h is the model file;/,
    },
  ],
  [
    "import: --out is the network file",
    {
      args: () => {
        const n = fresh("i1/net.onnx", "not read: the check comes first");
        return { args: ["import", n, "--out", n], input: n };
      },
      message: /--out: \S*net\.onnx is the network file;/,
    },
  ],
  [
    "export: --onnx is the model file",
    {
      args: () => {
        const m = fresh("e1/m.json", serializeModel(tinyModel()));
        return { args: ["export", m, "--onnx", m], input: m };
      },
      message: /--onnx: \S*m\.json is the model file;/,
    },
  ],
  [
    "report: --out is the --data file",
    {
      args: () => {
        const d = fresh("r1/d.csv", series);
        const m = fresh("r1/m.q.json", "not read: the check comes first");
        return { args: ["report", m, "--data", d, "--target", "host", "--out", d], input: d };
      },
      message: /--out: \S*d\.csv is the --data file;/,
    },
  ],
];

describe("no command writes over its own input: one line under --out, exit 2, the input unchanged", () => {
  const runs = new Map<string, Promise<{ r: CliResult; input: string; before: Buffer }>>();
  beforeAll(() => {
    dir = tempDir();
    for (const [name, c] of cases) {
      const { args, input } = c.args();
      const before = readFileSync(input);
      runs.set(name, runCliAsync(args).then((r) => ({ r, input, before })));
    }
  });
  for (const [name, c] of cases) {
    it(name, async () => {
      const { r, input, before } = await runs.get(name)!;
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(/^seqforge: --(out|onnx): /);
      expect(r.stderr.trimEnd()).toMatch(c.message);
      expect(readFileSync(input).equals(before)).toBe(true);
    });
  }
});
