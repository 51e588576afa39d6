import type { Config, TopLevelSpec } from 'vega-lite';

/**
 * Fonts the figures ask for, in order. Named fonts first because the PNG rasterizer (resvg) maps
 * the generic `sans-serif` to Arial, which Linux machines seldom have; DejaVu and Liberation come
 * with most distributions (and with Chromium's dependencies).
 */
export const FIGURE_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

/** Plot area of a figure with one panel, in SVG pixels. */
export const SINGLE_PANEL = { width: 560, height: 320 } as const;
/** Plot area of each panel in a figure of several. */
export const SMALL_PANEL = { width: 380, height: 220 } as const;

/** Colours of the training and test curves, in the reference's order (training first). */
export const SPLITS = ['training', 'test'] as const;
export type Split = (typeof SPLITS)[number];

const CONFIG: Config = {
  font: FIGURE_FONT,
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 420, symbolStrokeWidth: 3 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  line: { strokeWidth: 2 },
};

/**
 * Adds the settings every figure shares: white background (a PNG viewer's checkerboard makes curves
 * hard to read), fonts and sizes. No `$schema`: nothing in a figure may point to the network.
 */
export function themed(spec: TopLevelSpec): TopLevelSpec {
  return { ...spec, background: 'white', padding: 12, config: CONFIG };
}

/** Enough distinct colours for `n` series: tableau10 up to 10, then category20. */
export function colourScheme(n: number): 'tableau10' | 'category20' {
  return n <= 10 ? 'tableau10' : 'category20';
}
