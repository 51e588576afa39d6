import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and no whitespace, so that two equal values written
 * in a different key order serialise (and hash) alike. `undefined` members are left out, as
 * JSON.stringify does. Hand-rolled rather than a JSON.stringify replacer, which copies every
 * object: expansion serialises each of up to 10,000 configs twice.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(',')}}`;
}

/** SHA-256 of `text` (UTF-8) as lowercase hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
