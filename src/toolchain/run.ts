/**
 * runProgram: runs a built program on its target — natively for `host`, under the QEMU the
 * target file names for a cross target, with the Node running seqforge for a node target — with argv passed the same way on both (QEMU: semihosting
 * arguments, read back by the target's startup code), files relative to `cwd`, and a deadline
 * after which the program is killed and reported as timed out.
 */
import { resolve } from "node:path";
import type { RunRequest, RunResult } from "./api.js";
import { runProcess } from "./process.js";
import { loadTarget, type QemuTarget } from "./targets.js";
import { requireTool } from "./tools.js";

export async function runProgram(req: RunRequest): Promise<RunResult> {
  const target = loadTarget(req.target);
  const cwd = resolve(req.cwd);
  if (target.kind === "native") {
    return runProcess(resolve(req.executable), req.args, { cwd, timeoutMs: req.timeoutMs });
  }
  if (target.kind === "node") {
    return runProcess(process.execPath, [resolve(req.executable), ...req.args], { cwd, timeoutMs: req.timeoutMs });
  }
  const qemu = requireTool(target.qemu.binary, target.packages);
  return runProcess(qemu, qemuArgs(target, resolve(req.executable), req.args), { cwd, timeoutMs: req.timeoutMs });
}

/**
 * The QEMU command line: the board and the options it needs, no display or serial or monitor
 * (output goes through semihosting to QEMU's stdout), deterministic instruction counting
 * (-icount), and the program's argv as semihosting arguments (argv[0] = the image).
 */
export function qemuArgs(target: QemuTarget, image: string, args: readonly string[]): string[] {
  const argv = [image, ...args];
  for (const a of argv) {
    // The semihosting command line joins arguments with spaces; the startup code splits on them.
    if (a === "" || /\s/.test(a)) {
      throw new Error(`${target.name}: a program argument passed through semihosting cannot be empty or contain white space: ${JSON.stringify(a)}`);
    }
  }
  // The startup code reads the command line into a fixed buffer, of the size the target file
  // gives it (build.ts passes it in). Bytes, not UTF-16 units: a path outside ASCII takes more
  // of the buffer than its length.
  const { cmdlineBytes: maxBytes, maxArgs } = target.semihosting;
  const cmdlineBytes = Buffer.byteLength(argv.join(" "), "utf8");
  if (cmdlineBytes + 1 > maxBytes || argv.length > maxArgs) {
    throw new Error(
      `${target.name}: the program's command line (${argv.length} arguments, ${cmdlineBytes} bytes) exceeds what the startup code reads ` +
        `(${maxArgs} arguments, ${maxBytes - 1} bytes); pass shorter paths relative to cwd`,
    );
  }
  // QEMU's option parser takes ",," for a literal comma inside a value.
  const semihostingArgs = argv.map((a) => `,arg=${a.replaceAll(",", ",,")}`).join("");
  return [
    "-machine", target.qemu.machine,
    ...target.qemu.args,
    "-nographic",
    "-monitor", "none",
    "-serial", "none",
    "-icount", `shift=${target.qemu.icountShift}`,
    "-semihosting-config", `enable=on,target=native${semihostingArgs}`,
    "-kernel", image,
  ];
}
