/**
 * The one entry point of import: a file named by the user, read as a TensorFlow.js layers
 * model.json when it is JSON text, else as ONNX. Returns the network and the sha256 the
 * provenance records (for model.json: of its bytes followed by its weight files').
 */
import { sha256 } from "../util/hash.js";
import { readInputBytes } from "../util/read-input-file.js";
import { importKeras } from "./keras/import-keras.js";
import type { ImportedNetwork } from "./network.js";
import { importOnnx } from "./onnx/import-onnx.js";

/** Bytes a JSON text may start with before its `{`: whitespace and a UTF-8 byte order mark. */
const LEADING = new Set([0x20, 0x0a, 0x0d, 0x09, 0xef, 0xbb, 0xbf]);

export function readNetwork(file: string): { network: ImportedNetwork; hash: string } {
  const bytes = readInputBytes(file, "model file");
  const first = bytes.find((b) => !LEADING.has(b));
  if (file.endsWith(".json") || first === 0x7b /* { */) return importKeras(bytes.toString("utf8"), file);
  return { network: importOnnx(bytes, file), hash: sha256(bytes) };
}
