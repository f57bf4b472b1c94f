/**
 * Running a child process with a deadline: the one place the toolchain spawns anything. A hung
 * firmware image (an infinite loop under QEMU) is killed when its time is up and reported as
 * timed out, never left running.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface SpawnOptions {
  cwd?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `cmd args` and collects its output. A process killed by a signal reports 128 + the
 * signal's number, as a shell would; one killed at the deadline also sets `timedOut`.
 */
export function runProcess(cmd: string, args: readonly string[], opts: SpawnOptions): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const exitCode = code ?? (signal ? 128 + constants.signals[signal] : 1);
      resolvePromise({
        exitCode,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        timedOut,
      });
    });
  });
}
