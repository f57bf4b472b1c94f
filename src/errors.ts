/**
 * Typed errors. Library code throws these; the CLI (src/cli/main.ts) is the one place that turns
 * them into a one-line message and an exit code.
 */

/** Bad input from the user: a file, a flag, a value. Exit code 2. */
export class InputError extends Error {
  readonly exitCode = 2;
  /**
   * @param file  the file (or flag, written as `--name`) at fault
   * @param place where in it: `line 14, column "temp"`, `field weights.layers[0].wx`; may be ""
   * @param what  what was found and what was expected
   */
  constructor(
    readonly file: string,
    readonly place: string,
    readonly what: string,
  ) {
    super(place ? `${file}: ${place}: ${what}` : `${file}: ${what}`);
    this.name = "InputError";
  }
}

/**
 * A bad value of an option given to a library call (a TrainConfig field, a validation fraction,
 * a target name), named as the library knows it (`forgetBias`). Exit code 2. The command line
 * (src/cli/main.ts) reports it under the flag the value came from (`--forget-bias`), so library
 * code never needs to know flag names.
 */
export class OptionError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly option: string,
    readonly what: string,
  ) {
    super(`${option}: ${what}`);
    this.name = "OptionError";
  }
}

/** A tool the pipeline needs (gcc, arm-none-eabi-gcc, qemu-system-arm) is missing. Exit code 3. */
export class ToolMissingError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = "ToolMissingError";
  }
}

/** A verification found a difference, or a build or run of generated code failed. Exit code 1. */
export class VerificationError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "VerificationError";
  }
}

export function exitCodeOf(err: unknown): number {
  if (err && typeof err === "object" && "exitCode" in err && typeof err.exitCode === "number") {
    return err.exitCode;
  }
  return 1;
}
