import { createHash } from "node:crypto";

/** `sha256:<hex>` of a string or bytes: the form every hash in a seqforge file takes. */
export function sha256(data: string | Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}
