/** Small text-drawing helpers for fixed-width cells. Every function returns exactly what fits. */

const BAR_FULL = '█';
const BAR_EMPTY = '░';
const SPARKS = '▁▂▃▄▅▆▇█';

/** A bar `width` cells wide filled to `fraction` (clamped to 0..1). */
export function progressBar(fraction: number, width: number): string {
  if (width <= 0) return '';
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.round(clamped * width);
  return BAR_FULL.repeat(full) + BAR_EMPTY.repeat(width - full);
}

/**
 * One character per value, scaled between the series' own minimum and maximum; the latest values
 * when there are more than `width`. A value that is not finite (a diverged loss) shows as `!`.
 */
export function sparkline(values: readonly number[], width: number): string {
  const shown = width > 0 ? values.slice(-width) : [];
  const finite = shown.filter(Number.isFinite);
  if (finite.length === 0) return shown.map(() => '!').join('');
  const min = Math.min(...finite);
  const span = Math.max(...finite) - min;
  return shown
    .map((v) => {
      if (!Number.isFinite(v)) return '!';
      const level = span === 0 ? 0 : Math.round(((v - min) / span) * (SPARKS.length - 1));
      return SPARKS[level] ?? SPARKS[0];
    })
    .join('');
}

/** Cuts `text` to `width` cells with an ellipsis; never wraps. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/** `fit`, then padded with spaces to exactly `width` (right-aligned with `align: 'right'`). */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = fit(text, width);
  const pad = ' '.repeat(Math.max(0, width - [...cut].length));
  return align === 'right' ? pad + cut : cut + pad;
}

/** Seconds since `thenMs`, as `4s`, for heartbeat ages. */
export function formatAge(nowMs: number, thenMs: number): string {
  return `${Math.max(0, Math.round((nowMs - thenMs) / 1000))}s`;
}

/** 12345.6 -> `12,346`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
