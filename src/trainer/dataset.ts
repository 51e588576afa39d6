import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError } from '../errors.js';
import type { DatasetName } from '../transport/protocol.js';
import { DATASETS, type DatasetEntry, type IdxFileName } from './datasets-catalog.js';
import { downloadIdxFile } from './dataset-download.js';
import { checksumProblem, decodeIdxFile, findIdxFile, findPackageRoot, readIdxFile, type IdxFileData } from './dataset-files.js';
import { parseIdxImages, parseIdxLabels } from './idx.js';
import type { SharedDataset, SharedSplit } from './task-input.js';

export { DATASETS, IDX_FILES, type DatasetEntry, type IdxFileName } from './datasets-catalog.js';

/** Options for {@link loadDataset}. */
export interface LoadDatasetOptions {
  name: DatasetName;
  /** Look only here for the four IDX files (gzipped or not); nothing else is tried. */
  dataDir?: string;
  /** Where downloads are kept. @default ~/.cache/sweep/datasets/<name> */
  cacheDir?: string;
  /** Fetch the official files when no local copy exists. @default true */
  download?: boolean;
  /** @default globalThis.fetch */
  fetchImpl?: typeof fetch;
  /** Notes worth showing a user: downloads, and files that are not a known copy. */
  onProgress?: (message: string) => void;
}

/** {@link LoadDatasetOptions} after defaults, with every place to look spelled out. */
export interface ResolvedLoadDatasetOptions {
  entry: DatasetEntry;
  dataDir: string | undefined;
  /** The project's copy, data/<name> under the package root; undefined when there is none. */
  vendoredDir: string | undefined;
  /** Keras's cache, ~/.keras/datasets/<name>. */
  kerasDir: string | undefined;
  cacheDir: string;
  download: boolean;
  fetchImpl: typeof fetch;
  onProgress: (message: string) => void;
  /** Per file. @default 300_000 */
  downloadTimeoutMs: number;
}

/**
 * Loads a dataset into shared memory, ready to hand to worker threads without copying. Looks in
 * `dataDir` only when given; otherwise in the project's data/<name>, then ~/.keras/datasets/<name>,
 * then the download cache, downloading into it when allowed. Copies other than `dataDir` must be
 * known good (catalog SHA-256 or official MD5).
 *
 * Throws DatasetError: DATASET_FILES_MISSING, DATASET_UNAVAILABLE, CHECKSUM_MISMATCH, BAD_GZIP,
 * IDX_* (see idx.ts), IDX_COUNT_MISMATCH.
 */
export async function loadDataset(opts: LoadDatasetOptions): Promise<SharedDataset> {
  return loadDatasetWith(resolveLoadDatasetOptions(opts));
}

export function resolveLoadDatasetOptions(opts: LoadDatasetOptions): ResolvedLoadDatasetOptions {
  const entry = DATASETS[opts.name];
  const root = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return {
    entry,
    dataDir: opts.dataDir,
    vendoredDir: root === undefined ? undefined : join(root, 'data', entry.name),
    kerasDir: join(homedir(), '.keras', 'datasets', entry.name),
    cacheDir: opts.cacheDir ?? join(homedir(), '.cache', 'sweep', 'datasets', entry.name),
    download: opts.download ?? true,
    fetchImpl: opts.fetchImpl ?? globalThis.fetch,
    onProgress: opts.onProgress ?? (() => {}),
    downloadTimeoutMs: 300_000,
  };
}

/** {@link loadDataset} with every location and dependency given: the seam tests use. */
export async function loadDatasetWith(o: ResolvedLoadDatasetOptions): Promise<SharedDataset> {
  return assemble(o.entry, await locate(o));
}

async function locate(o: ResolvedLoadDatasetOptions): Promise<IdxFileData[]> {
  if (o.dataDir !== undefined) return fromDataDir(o, o.dataDir);
  const looked: string[] = [];
  for (const dir of [o.vendoredDir, o.kerasDir]) {
    if (dir === undefined) continue;
    const paths = o.entry.files.map((f) => findIdxFile(dir, f));
    if (paths.every((p) => p !== undefined)) return readVerified(o.entry, paths as string[], dir === o.vendoredDir);
    looked.push(describeLook(o.entry, dir, paths));
  }
  return fromCache(o, looked);
}

async function fromDataDir(o: ResolvedLoadDatasetOptions, dir: string): Promise<IdxFileData[]> {
  const paths = o.entry.files.map((f) => findIdxFile(dir, f));
  const missing = o.entry.files.filter((_, i) => paths[i] === undefined);
  if (missing.length > 0) {
    throw new DatasetError(
      'DATASET_FILES_MISSING',
      `The data directory ${dir} lacks ${missing.length} of the four ${o.entry.name} files: ` +
        `looked for ${missing.map((f) => `${f}.gz or ${f}`).join(', ')}. Put the official IDX files there (gzipped or not), ` +
        'or point --data-dir (or SWEEP_DATA_DIR) at the directory that holds them.',
    );
  }
  const data = await Promise.all(paths.map((p, i) => readIdxFile(p!, o.entry.files[i]!)));
  // A directory the user names is used as given (it may be a deliberate variant); say so when it is not a known copy.
  const unknown = data.filter((d) => checksumProblem(o.entry, d) !== undefined).map((d) => d.file);
  if (unknown.length > 0) {
    o.onProgress(`note: ${unknown.join(', ')} in ${dir} ${unknown.length === 1 ? 'is' : 'are'} not a known copy of ${o.entry.name}; using ${unknown.length === 1 ? 'it' : 'them'} as given`);
  }
  return data;
}

async function readVerified(entry: DatasetEntry, paths: string[], vendored: boolean): Promise<IdxFileData[]> {
  const data = await Promise.all(paths.map((p, i) => readIdxFile(p, entry.files[i]!)));
  for (const d of data) {
    const problem = checksumProblem(entry, d);
    if (problem === undefined) continue;
    const advice = vendored
      ? 'The project copy is damaged: restore it from git (git checkout -- data/), or pass --data-dir DIR.'
      : 'The file is damaged or from another release: delete it so it is fetched again, or pass --data-dir DIR.';
    throw new DatasetError('CHECKSUM_MISMATCH', `${d.path}: ${problem}. ${advice}`);
  }
  return data;
}

async function fromCache(o: ResolvedLoadDatasetOptions, looked: string[]): Promise<IdxFileData[]> {
  const found = new Map<IdxFileName, IdxFileData>();
  for (const file of o.entry.files) {
    const path = findIdxFile(o.cacheDir, file);
    if (path === undefined) continue;
    const data = await readIdxFile(path, file).catch(() => undefined);
    const problem = data && checksumProblem(o.entry, data);
    if (data && problem === undefined) {
      found.set(file, data);
    } else {
      // The cache is ours: a damaged entry is dropped and fetched again rather than reported.
      o.onProgress(`${path} is damaged (${problem ?? 'unreadable'}); removing it`);
      await rm(path, { force: true });
    }
  }
  const missing = o.entry.files.filter((f) => !found.has(f));
  if (missing.length === 0) return o.entry.files.map((f) => found.get(f)!);
  looked.push(describeLook(o.entry, o.cacheDir, o.entry.files.map((f) => (found.has(f) ? f : undefined))));
  if (!o.download) throw unavailable(o, looked, 'downloading is turned off');
  for (const [i, file] of missing.entries()) {
    o.onProgress(`downloading ${o.entry.name} ${file}.gz (${i + 1} of ${missing.length}) from ${o.entry.baseUrl}`);
    try {
      const { path, raw } = await downloadIdxFile({ entry: o.entry, file, cacheDir: o.cacheDir, fetchImpl: o.fetchImpl, timeoutMs: o.downloadTimeoutMs });
      found.set(file, await decodeIdxFile(raw, path, file));
    } catch (err) {
      if (err instanceof DatasetError && err.code === 'DOWNLOAD_FAILED') throw unavailable(o, looked, err.message, err);
      throw err;
    }
  }
  return o.entry.files.map((f) => found.get(f)!);
}

function describeLook(entry: DatasetEntry, dir: string, paths: readonly (string | undefined)[]): string {
  const present = paths.filter((p) => p !== undefined).length;
  if (present === 0) return `${dir} (no files)`;
  const missing = entry.files.filter((_, i) => paths[i] === undefined);
  return `${dir} (missing ${missing.join(', ')})`;
}

function unavailable(o: ResolvedLoadDatasetOptions, looked: string[], reason: string, cause?: unknown): DatasetError {
  return new DatasetError(
    'DATASET_UNAVAILABLE',
    `The ${o.entry.name} dataset is not on this machine and ${reason}.\n` +
      `Looked in:\n${looked.map((l) => `  ${l}\n`).join('')}` +
      `To provide it, put the four files (${o.entry.files.join(', ')}; gzipped or not) in a directory ` +
      `and pass it with --data-dir DIR or the SWEEP_DATA_DIR environment variable. They are published at ${o.entry.baseUrl}`,
    { cause },
  );
}

function assemble(entry: DatasetEntry, data: IdxFileData[]): SharedDataset {
  const [trainImages, trainLabels, testImages, testLabels] = data as [IdxFileData, IdxFileData, IdxFileData, IdxFileData];
  // Hashed in the catalog's file order over decompressed bytes, so a gzipped and a plain copy agree.
  const checksum = createHash('sha256');
  for (const d of data) checksum.update(d.bytes);
  return {
    identity: { name: entry.name, checksum: checksum.digest('hex') },
    rows: entry.rows,
    cols: entry.cols,
    classes: entry.classNames.length,
    train: toSharedSplit(entry, trainImages, trainLabels),
    test: toSharedSplit(entry, testImages, testLabels),
  };
}

function toSharedSplit(entry: DatasetEntry, imageFile: IdxFileData, labelFile: IdxFileData): SharedSplit {
  const images = parseIdxImages(imageFile.bytes, imageFile.path, entry.rows, entry.cols);
  const labels = parseIdxLabels(labelFile.bytes, labelFile.path, entry.classNames.length);
  if (images.count !== labels.count) {
    throw new DatasetError(
      'IDX_COUNT_MISMATCH',
      `${imageFile.path} holds ${images.count} images but ${labelFile.path} holds ${labels.count} labels; ` +
        'both must come from the same release of the dataset.',
    );
  }
  return { images: toShared(images.pixels), labels: toShared(labels.labels), count: images.count };
}

function toShared(bytes: Uint8Array): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
}
