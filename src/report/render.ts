/**
 * A Vega-Lite specification to SVG text, at generation time: compiled by vega-lite to a Vega
 * specification, run by a headless Vega view (renderer "none": no canvas, no DOM) and serialised
 * with toSVG. The page then holds only the SVG, no script. Vega numbers clip paths and gradients
 * with one counter per process, so the SVGs of one page never share an id.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Vega-Lite's warnings (a channel it drops, say) would mean a plot not as specified: fail instead.
  const warnings: string[] = [];
  const logger = {
    level: (_?: number) => logger,
    error: (...m: unknown[]) => (warnings.push(m.join(" ")), logger),
    warn: (...m: unknown[]) => (warnings.push(m.join(" ")), logger),
    info: () => logger,
    debug: () => logger,
  };
  const vg = compile(spec, { logger: logger as never }).spec;
  if (warnings.length) throw new Error(`vega-lite: ${warnings.join("; ")}`);
  const view = new View(parse(vg), { renderer: "none", logLevel: 2 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
