import { fit } from './text.js';

/**
 * A resolved config as `path=value` tokens, nested objects flattened with dots
 * (`optimizer.learning_rate=0.001`), in the config's own key order. Nothing is left out: this is
 * the "full resolved config" of the detail screen, where describeVaried shows only what varies.
 */
export function configTokens(config: object, prefix = ''): string[] {
  return Object.entries(config).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return configTokens(value as object, path);
    return [`${path}=${value === null ? 'none' : Array.isArray(value) ? value.join(',') : String(value)}`];
  });
}

/**
 * Packs tokens into at most `maxLines` lines of `width` cells, two spaces apart. A token wider
 * than a line is cut; when lines run out the last one ends with an ellipsis.
 */
export function wrapTokens(tokens: readonly string[], width: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    const candidate = line === '' ? token : `${line}  ${token}`;
    if ([...candidate].length <= width || line === '') {
      line = candidate;
      continue;
    }
    lines.push(line);
    line = token;
  }
  if (line !== '') lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${fit(kept[maxLines - 1] ?? '', width - 2)} …`;
    return kept.map((l) => fit(l, width));
  }
  return lines.map((l) => fit(l, width));
}
