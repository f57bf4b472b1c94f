// Progress goes to stderr: a bar on a terminal, one plain line per epoch elsewhere.
import { describe, expect, it } from "vitest";
import { epochProgress } from "../../src/util/progress.js";

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const s = { isTTY, columns: 120, write: (c: string) => (chunks.push(c), true), on: () => s, removeListener: () => s, cursorTo: () => true, clearLine: () => true, moveCursor: () => true };
  return { stream: s as unknown as NodeJS.WriteStream, text: () => chunks.join("") };
}

describe("epochProgress", () => {
  it("writes one line per epoch when the stream is not a terminal", () => {
    const f = fakeStream(false);
    const p = epochProgress(12, f.stream);
    p.update(1, 0.123456, null);
    p.update(12, 0.01, 0.02);
    p.stop();
    expect(f.text()).toBe("epoch  1/12  loss 0.1235  val loss -\nepoch 12/12  loss 0.01000  val loss 0.02000\n");
  });
  it("draws a bar with epoch, loss and validation loss on a terminal", () => {
    const f = fakeStream(true);
    const p = epochProgress(5, f.stream);
    p.update(3, 0.5, 0.25);
    p.stop();
    expect(f.text()).toMatch(/training \[.*\] epoch 3\/5 \| loss 0\.5000 \| val loss 0\.2500/);
    expect(f.text()).not.toContain("\n\n");
  });
});
