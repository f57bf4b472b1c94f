/**
 * The WebAssembly SIMD kernels (source ./kernels-wat.ts, bytes ./kernels-wasm.ts), instantiated
 * over a training memory. The module is compiled once, when this file is first imported
 * (synchronous compilation of 5 KB takes well under a millisecond); each workspace gets its own
 * instance bound to its own memory.
 */
import type { Kernels } from "../kernels.js";
import { KERNELS_WASM_BASE64 } from "./kernels-wasm.js";

let compiled: WebAssembly.Module | null = null;

export function wasmKernels(memory: WebAssembly.Memory): Kernels {
  compiled ??= new WebAssembly.Module(Buffer.from(KERNELS_WASM_BASE64, "base64"));
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  return instance.exports as unknown as Kernels;
}
