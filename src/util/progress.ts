/**
 * Epoch progress on stderr, so stdout stays clean for results and `--json`. On a terminal a
 * cli-progress bar (epoch, loss, validation loss, elapsed time); otherwise (a CI log, a pipe)
 * one plain line per epoch, which reads well in a log and costs nothing to parse.
 */
import cliProgress from "cli-progress";

export interface EpochProgress {
  update(epoch: number, loss: number, valLoss: number | null): void;
  stop(): void;
}

const fmt = (v: number | null): string => (v === null ? "-" : v.toPrecision(4));

export function epochProgress(totalEpochs: number, stream: NodeJS.WriteStream = process.stderr): EpochProgress {
  if (!stream.isTTY) {
    const width = String(totalEpochs).length;
    return {
      update: (epoch, loss, valLoss) =>
        stream.write(`epoch ${String(epoch).padStart(width)}/${totalEpochs}  loss ${fmt(loss)}  val loss ${fmt(valLoss)}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: "training [{bar}] epoch {value}/{total} | loss {loss} | val loss {valLoss} | {duration_formatted}",
      barsize: 24,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(totalEpochs, 0, { loss: "-", valLoss: "-" });
  return {
    update: (epoch, loss, valLoss) => bar.update(epoch, { loss: fmt(loss), valLoss: fmt(valLoss) }),
    stop: () => bar.stop(),
  };
}
