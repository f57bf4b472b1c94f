/** `seqforge example seed`: the seed's example run, printed in its own format (or --json). */
import { parseTargets, runSeedExample, type SeedConfig } from "../../example/seed-example.js";
import type { ExampleSeedArgs } from "../main.js";

export async function run(args: ExampleSeedArgs): Promise<number> {
  const config: SeedConfig = {
    xDim: args["x-dim"],
    cells: args.cells,
    targets: parseTargets(String(args.targets)),
    iters: args.iters,
    lr: args.lr,
  };
  if (args.json) {
    const lines = runSeedExample(config);
    process.stdout.write(JSON.stringify({ example: "seed", config, lines }, null, 1) + "\n");
  } else {
    runSeedExample(config, (line) => process.stdout.write(line.text + "\n"));
  }
  return 0;
}
