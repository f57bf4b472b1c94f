/**
 * The largest network seqforge trains, and the memory a training run's buffers need, checked
 * before any data is read: a size that cannot work is refused at once, naming its option,
 * instead of failing in the engine (`Invalid typed array length`) after minutes of reading.
 *
 *   hidden      ≤ 1,024   one layer of 1,024 units holds 4 MiB of int8 weights, beyond the flash
 *                         of the microcontrollers seqforge generates code for
 *   layers      ≤ 16
 *   window      ≤ 65,535  the generated C counts a window's inputs in a uint16_t
 *   parameters  ≤ 8,388,608 (2^23)  the model file is one JSON text, about 30 bytes a weight,
 *                         which must stay well under JavaScript's 512 MiB string limit
 *   memory      the trainer's buffers (./workspace.ts: parameters, gradient and every
 *               activation of one chunk of batch × window steps) must fit the 4 GiB a
 *               WebAssembly memory addresses, and, with the optimizer's moments and the
 *               early-stopping snapshot, the machine's physical memory
 */
import { totalmem } from "node:os";
import { OptionError } from "../errors.js";
import { TRAIN_LIMITS, type TrainConfig } from "./api.js";
import { paramLayout } from "./layout.js";
import { MAX_WORKSPACE_BYTES, workspaceBytes } from "./workspace.js";

type SizeConfig = Pick<TrainConfig, "hidden" | "layers" | "window" | "batch" | "cell" | "optimizer">;

/** Bytes the training run's buffers take: the workspace, the optimizer's moments (Adam: two per parameter) and the snapshot of the best weights. */
export function trainingBytes(c: SizeConfig, inputSize: number, outputSize: number): { workspace: number; total: number; parameters: number } {
  const lay = paramLayout({ inputSize, hidden: c.hidden, layers: c.layers, outputSize });
  const workspace = workspaceBytes(lay, c.cell, c.batch, c.window);
  const perParameter = (c.optimizer === "adam" ? 2 : 0) + 1;
  return { workspace, total: workspace + perParameter * 8 * lay.size, parameters: lay.size };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const grouped = (n: number) => n.toLocaleString("en-US");

/**
 * Refuses, as an OptionError of the option at fault, a size beyond TRAIN_LIMITS or buffers beyond
 * the memory available (`physicalBytes`: the machine's, by default).
 */
export function checkTrainingSize(c: SizeConfig, inputSize: number, outputSize: number, physicalBytes = totalmem()): void {
  const limit = (option: "hidden" | "layers" | "window", why: string) => {
    const v = c[option];
    if (v > TRAIN_LIMITS[option]) throw new OptionError(option, `${v} is more than ${grouped(TRAIN_LIMITS[option])}, the largest ${why}`);
  };
  limit("hidden", "hidden size seqforge trains (a layer of 1,024 units already holds 4 MiB of int8 weights)");
  limit("layers", "number of layers seqforge trains");
  limit("window", "window seqforge trains (the generated C counts a window's inputs in a uint16_t)");
  const need = trainingBytes(c, inputSize, outputSize);
  if (need.parameters > TRAIN_LIMITS.parameters) {
    throw new OptionError(
      "hidden",
      `${c.layers} layer${c.layers > 1 ? "s" : ""} of ${c.hidden} units make ${grouped(need.parameters)} parameters, more than ${grouped(TRAIN_LIMITS.parameters)} (the model file is one JSON text): lower --hidden or --layers`,
    );
  }
  const sizes = `--batch ${c.batch} × --window ${c.window} × --hidden ${c.hidden} in ${c.layers} layer${c.layers > 1 ? "s" : ""}`;
  // The option named is the larger of the two chunk dimensions; the message names all three.
  const option = c.batch > c.window ? "batch" : "window";
  if (need.workspace > MAX_WORKSPACE_BYTES) {
    throw new OptionError(option, `the training buffers for ${sizes} need ${gib(need.workspace)}, more than the 4 GiB a WebAssembly memory holds: lower --batch, --window or --hidden`);
  }
  if (need.total > physicalBytes) {
    throw new OptionError(option, `the training buffers for ${sizes} need ${gib(need.total)}, more than this machine's ${gib(physicalBytes)} of memory: lower --batch, --window or --hidden`);
  }
}
