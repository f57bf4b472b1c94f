import { describe, expect, it } from "vitest";
import { compareRecords } from "../../src/verify/compare.js";
import { decodeOutputs, DriverOutputError, encodeInputs, type DriverRecord } from "../../src/verify/driver-io.js";
import { fixtureModel } from "../codegen/fixtures.js";

/** Builds the bytes the C driver writes for the given records. */
function driverFile(records: DriverRecord[], sizes: { y: number; c: number; h: number }, kind: "int" | "f32", trailer = records.length): Uint8Array {
  const bytes: number[] = [0x53, 0x51, 0x46, 0x4f];
  const put = (v: number, n: number) => {
    const b = new Uint8Array(n);
    const view = new DataView(b.buffer);
    if (kind === "f32") view.setFloat32(0, v, true);
    else if (n === 1) view.setInt8(0, v);
    else view.setInt16(0, v, true);
    bytes.push(...b);
  };
  for (const r of records) {
    r.y.forEach((v) => put(v, sizes.y));
    r.c.flat().forEach((v) => put(v, sizes.c));
    r.h.flat().forEach((v) => put(v, sizes.h));
  }
  bytes.push(0x53, 0x51, 0x46, 0x45, trailer & 255, (trailer >> 8) & 255, 0, 0);
  return new Uint8Array(bytes);
}

describe("driver file formats", () => {
  it("encodes inputs little-endian with a header the driver checks", () => {
    const m = fixtureModel({ scheme: "w8a16", inputSize: 2 });
    const bin = encodeInputs(m, [[1, -2], [32767, -32768]]);
    expect(Array.from(bin.slice(0, 16))).toEqual([0x53, 0x51, 0x46, 0x49, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0]);
    expect(Array.from(bin.slice(16))).toEqual([1, 0, 0xfe, 0xff, 0xff, 0x7f, 0x00, 0x80]);
    const m8 = fixtureModel({ scheme: "w8a8", inputSize: 2 });
    expect(Array.from(encodeInputs(m8, [[-128, 127]]).slice(12))).toEqual([1, 0, 0, 0, 0x80, 0x7f]);
  });

  it("decodes records: y, then c and h of every layer (w8a8: int8 h, int16 c and y)", () => {
    const m = fixtureModel({ scheme: "w8a8", hidden: 2, layers: 2, outputs: 1 });
    const records: DriverRecord[] = [
      { y: [-300], c: [[1, -2], [3, 4]], h: [[-128, 127], [5, -6]] },
      { y: [32767], c: [[-32768, 0], [7, 8]], h: [[0, 1], [2, 3]] },
    ];
    expect(decodeOutputs(m, driverFile(records, { y: 2, c: 2, h: 1 }, "int"))).toEqual(records);
  });

  it("refuses a file cut short or whose trailer disagrees", () => {
    const m = fixtureModel({ scheme: "w8a16", hidden: 1, outputs: 1 });
    const rec = [{ y: [1], c: [[2]], h: [[3]] }];
    const good = driverFile(rec, { y: 2, c: 2, h: 2 }, "int");
    expect(() => decodeOutputs(m, good.slice(0, good.length - 8))).toThrow(DriverOutputError);
    expect(() => decodeOutputs(m, driverFile(rec, { y: 2, c: 2, h: 2 }, "int", 2))).toThrow(/trailer says 2/);
    expect(() => decodeOutputs(m, new Uint8Array([1, 2, 3]))).toThrow(DriverOutputError);
  });
});

describe("compareRecords", () => {
  const base: DriverRecord[] = [
    { y: [10, 20], c: [[1, 2], [3, 4]], h: [[5, 6], [7, 8]] },
    { y: [11, 21], c: [[1, 2], [3, 4]], h: [[5, 6], [7, 8]] },
  ];

  it("passes identical records and reports nothing", () => {
    const cmp = compareRecords(base, structuredClone(base));
    expect(cmp.first).toBeNull();
    expect(cmp.countMismatch).toBeNull();
    expect(cmp.records).toBe(2);
  });

  it("names the earliest stage that diverged: the state of layer 0 before layer 1 and the output", () => {
    const got = structuredClone(base);
    got[1]!.y[1] = 99;
    got[1]!.h[1]![0] = 70;
    got[1]!.c[0]![1] = -2;
    expect(compareRecords(base, got).first).toEqual({ record: 1, tensor: "layer0.c", index: 1, expected: 2, actual: -2 });
  });

  it("holds integer records to 0 LSB, f32 outputs to their tolerance and the f32 state to its own, relative above 1", () => {
    const got = structuredClone(base);
    got[0]!.y[0] = 10 + 5e-5;
    got[0]!.h[0]![0] = 5 + 1e-3; // |h| = 5: within 1e-3 · 5
    expect(compareRecords(base, got).first?.tensor).toBe("layer0.h");
    const f = compareRecords(base, got, 1e-4, 1e-3);
    expect(f.first).toBeNull();
    expect(f.maxAbsOutput).toBeCloseTo(5e-5, 10);
    expect(f.maxAbsState).toBeCloseTo(1e-3, 10);
    expect(compareRecords(base, got, 1e-4, 1e-4).first).toMatchObject({ record: 0, tensor: "layer0.h", index: 0 });
    const c = structuredClone(base);
    c[0]!.c[0]![1] = base[0]!.c[0]![1]! + 1.5e-3; // |c| = 2: the allowance is 2e-3
    expect(compareRecords(base, c, 1e-4, 1e-3).first).toBeNull();
    c[0]!.c[0]![1] = base[0]!.c[0]![1]! + 2.5e-3;
    expect(compareRecords(base, c, 1e-4, 1e-3).first).toMatchObject({ record: 0, tensor: "layer0.c", index: 1 });
    got[1]!.y[0] = 11 + 2e-4;
    expect(compareRecords(base, got, 1e-4, 1e-3).first).toMatchObject({ record: 1, tensor: "y", index: 0 });
    got[1]!.y[0] = NaN;
    expect(compareRecords(base, got, 1e-4, 1e-3).first).toMatchObject({ record: 1, tensor: "y" });
  });

  it("reports a record count that differs", () => {
    expect(compareRecords(base, base.slice(0, 1)).countMismatch).toEqual({ expected: 2, actual: 1 });
  });
});
