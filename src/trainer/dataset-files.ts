import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DatasetError } from '../errors.js';
import type { DatasetEntry, IdxFileName } from './datasets-catalog.js';

const gunzipAsync = promisify(gunzip);

/** Far above any MNIST-style file (47 MB), far below what would exhaust memory. */
const MAX_DECOMPRESSED_BYTES = 512 * 1024 * 1024;

/** One IDX file as read from disk or the network. */
export interface IdxFileData {
  file: IdxFileName;
  /** Where it came from (a path or URL), for messages. */
  path: string;
  /** The bytes as stored. */
  raw: Buffer;
  gzipped: boolean;
  /** The IDX bytes (decompressed when `gzipped`). */
  bytes: Buffer;
}

/** The path of `file` in `dir`: `<file>.gz` when present, else `<file>`, else undefined. */
export function findIdxFile(dir: string, file: IdxFileName): string | undefined {
  return [join(dir, `${file}.gz`), join(dir, file)].find((p) => existsSync(p));
}

export async function readIdxFile(path: string, file: IdxFileName): Promise<IdxFileData> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new DatasetError('DATASET_UNREADABLE', `Cannot read ${path}: ${(err as Error).message}. Check its permissions.`, { cause: err });
  }
  return decodeIdxFile(raw, path, file);
}

/**
 * Decompresses by content rather than name: browsers often save a .gz download already
 * decompressed under its .gz name, and an IDX file never starts with gzip's 1f 8b.
 */
export async function decodeIdxFile(raw: Buffer, path: string, file: IdxFileName): Promise<IdxFileData> {
  const gzipped = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (!gzipped) return { file, path, raw, gzipped, bytes: raw };
  try {
    const bytes = await gunzipAsync(raw, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    return { file, path, raw, gzipped, bytes };
  } catch (err) {
    throw new DatasetError(
      'BAD_GZIP',
      `${path}: cannot decompress it (${(err as Error).message}); the file is truncated or damaged. Delete it and provide it again.`,
      { cause: err },
    );
  }
}

export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Whether a file is a known good copy: its decompressed SHA-256 is in the catalog, or it is
 * gzipped and its MD5 is the official one. Returns a description of the mismatch, or undefined.
 */
export function checksumProblem(entry: DatasetEntry, data: IdxFileData): string | undefined {
  const knownSha = entry.sha256[data.file];
  const sha = knownSha === undefined ? undefined : sha256Hex(data.bytes);
  if (sha !== undefined && sha === knownSha) return undefined;
  const md5 = data.gzipped ? md5Hex(data.raw) : undefined;
  if (md5 !== undefined && md5 === entry.md5[data.file]) return undefined;
  const parts = [
    md5 === undefined ? undefined : `its MD5 is ${md5}, not the official ${entry.md5[data.file]}`,
    sha === undefined ? undefined : `its decompressed SHA-256 is ${sha}, not ${knownSha}`,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? parts.join(', and ') : 'it is not gzipped, so it cannot be checked against the official MD5';
}

/** The nearest directory at or above `fromDir` holding a package.json (works from src/ and dist/). */
export function findPackageRoot(fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
