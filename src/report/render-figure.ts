import { Resvg } from '@resvg/resvg-js';
import { parse, resetSVGDefIds, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** A figure rendered both ways. */
export interface RenderedFigure {
  svg: string;
  png: Buffer;
  /** PNG size in pixels. */
  width: number;
  height: number;
}

/** PNG pixels per SVG pixel: sharp on high-density screens and in slides. */
export const PNG_SCALE = 2;

/**
 * Vega-Lite spec -> SVG (vega's headless 'none' renderer, so no canvas or browser is needed) ->
 * PNG (resvg). The output depends only on the spec, `idPrefix` and the fonts installed: no clock,
 * no random ids. Render one figure at a time: vega numbers gradients and clip paths with
 * process-wide counters, which this resets.
 */
export async function renderFigure(spec: TopLevelSpec, idPrefix: string): Promise<RenderedFigure> {
  const svg = await renderSvg(spec, idPrefix);
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    // System fonts: the figure's font list names DejaVu Sans and Liberation Sans first.
    font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans' },
    logLevel: 'off',
  }).render();
  return { svg, png: image.asPng(), width: image.width, height: image.height };
}

/**
 * Vega-Lite spec -> standalone SVG text. The ids vega gives gradients and clip paths are prefixed
 * with `idPrefix`, so that several figures inlined in one HTML page cannot refer to each other's.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  resetSVGDefIds();
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.replace(/(id="|url\(#)(gradient_\d+|clip\d+)/g, (_, lead: string, id: string) => `${lead}${idPrefix}-${id}`);
  } finally {
    view.finalize();
  }
}
