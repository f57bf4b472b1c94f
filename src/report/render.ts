/**
 * A Vega-Lite specification to SVG text, at generation time: compiled by vega-lite to a Vega
 * specification, run by a headless Vega view (renderer "none": no canvas, no DOM) and serialised
 * with toSVG. The page then holds only the SVG, no script. Vega numbers clip paths and gradients
 * with one counter per process, so the SVGs of one page never share an id.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Collects warnings and errors; a plot that drew with either is not the plot specified. */
function strictLogger(said: string[]) {
  const logger = {
    level: (_?: number) => logger,
    error: (...m: unknown[]) => (said.push(m.join(" ")), logger),
    warn: (...m: unknown[]) => (said.push(m.join(" ")), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const said: string[] = [];
  const logger = strictLogger(said);
  const vg = compile(spec, { logger: logger as never }).spec;
  if (said.length) throw new Error(`vega-lite: ${said.join("; ")}`);
  const view = new View(parse(vg), { renderer: "none", logger: logger as never, logLevel: 2 });
  try {
    const svg = await view.toSVG();
    if (said.length) throw new Error(`vega: ${said.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}
