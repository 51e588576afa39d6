/** The value at a dotted path such as `optimizer.learning_rate`; undefined when any step is missing. */
export function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) value = isRecord(value) ? value[key] : undefined;
  return value;
}

/** A scalar a table cell can hold as it is. */
export type Scalar = string | number | boolean | null;

/**
 * Flattens nested objects into dotted paths, depth first in key order: `{optimizer: {name: 'adam'}}`
 * becomes `[['optimizer.name', 'adam']]`. A null stays one cell (early_stopping: null means "off"),
 * and arrays are kept whole as JSON text because no config field is a list of settings.
 */
export function flattenPaths(value: unknown, prefix = ''): [string, Scalar][] {
  if (isRecord(value)) return Object.entries(value).flatMap(([key, child]) => flattenPaths(child, prefix ? `${prefix}.${key}` : key));
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [[prefix, value]];
  return [[prefix, value === undefined ? null : JSON.stringify(value)]];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
