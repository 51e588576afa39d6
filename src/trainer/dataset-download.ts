import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import type { DatasetEntry, IdxFileName } from './datasets-catalog.js';
import { md5Hex } from './dataset-files.js';

export interface DownloadRequest {
  entry: DatasetEntry;
  file: IdxFileName;
  cacheDir: string;
  fetchImpl: typeof fetch;
  timeoutMs: number;
}

/**
 * Downloads one official `.gz` file into `cacheDir` and returns its bytes. The MD5 is checked
 * before anything is written; the file lands under a temporary name and is renamed into place, so
 * a crash or a concurrent download never leaves a partial file under the real name.
 *
 * Throws DatasetError 'DOWNLOAD_FAILED' (network or HTTP failure; the caller words the advice) or
 * 'CHECKSUM_MISMATCH' (nothing kept).
 */
export async function downloadIdxFile(req: DownloadRequest): Promise<{ path: string; raw: Buffer }> {
  const url = `${req.entry.baseUrl}${req.file}.gz`;
  const raw = await fetchBytes(url, req.fetchImpl, req.timeoutMs);
  const md5 = md5Hex(raw);
  const expected = req.entry.md5[req.file];
  if (md5 !== expected) {
    throw new DatasetError(
      'CHECKSUM_MISMATCH',
      `Downloaded ${url} but its MD5 is ${md5}, not the official ${expected}; the file was not kept. ` +
        'Retry later, or fetch the files yourself and pass their directory with --data-dir DIR.',
    );
  }
  await mkdir(req.cacheDir, { recursive: true });
  const path = join(req.cacheDir, `${req.file}.gz`);
  const temp = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(temp, raw);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new DatasetError('DATASET_UNWRITABLE', `Cannot write ${path}: ${(err as Error).message}. Check that ${req.cacheDir} is writable.`, {
      cause: err,
    });
  }
  return { path, raw };
}

async function fetchBytes(url: string, fetchImpl: typeof fetch, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      throw new DatasetError('DOWNLOAD_FAILED', `GET ${url} answered ${response.status} ${response.statusText}`.trim());
    }
    return Buffer.from(await response.arrayBuffer());
  } catch (err) {
    if (err instanceof DatasetError) throw err;
    throw new DatasetError('DOWNLOAD_FAILED', `GET ${url} failed: ${describeFetchError(err)}`, { cause: err });
  }
}

/** undici hides the useful part ("ECONNREFUSED 127.0.0.1:9") in `cause`. */
function describeFetchError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'no complete answer within the timeout';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.message ?? cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return detail ? `${message} (${detail})` : message;
}
