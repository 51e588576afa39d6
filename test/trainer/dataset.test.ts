import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/errors.js';
import { findPackageRoot } from '../../src/trainer/dataset-files.js';
import {
  DATASETS,
  IDX_FILES,
  loadDataset,
  loadDatasetWith,
  type DatasetEntry,
  type IdxFileName,
  type ResolvedLoadDatasetOptions,
} from '../../src/trainer/dataset.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-dataset-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An IDX image file of `count` 28x28 images; image i is filled with the value i. */
function idxImages(count: number, rows = 28, cols = 28, magic = 2051): Buffer {
  const out = Buffer.alloc(16 + count * rows * cols);
  out.writeUInt32BE(magic, 0);
  out.writeUInt32BE(count, 4);
  out.writeUInt32BE(rows, 8);
  out.writeUInt32BE(cols, 12);
  for (let i = 0; i < count; i++) out.fill(i, 16 + i * rows * cols, 16 + (i + 1) * rows * cols);
  return out;
}

function idxLabels(labels: number[], magic = 2049): Buffer {
  const out = Buffer.alloc(8 + labels.length);
  out.writeUInt32BE(magic, 0);
  out.writeUInt32BE(labels.length, 4);
  Buffer.from(labels).copy(out, 8);
  return out;
}

type Files = Record<IdxFileName, Buffer>;

function tinySet(): Files {
  return {
    'train-images-idx3-ubyte': idxImages(5),
    'train-labels-idx1-ubyte': idxLabels([9, 0, 0, 3, 2]),
    't10k-images-idx3-ubyte': idxImages(2),
    't10k-labels-idx1-ubyte': idxLabels([1, 7]),
  };
}

/** Writes `files` into `target`, gzipped (as `<name>.gz`) where `gz` says so. */
function writeSet(target: string, files: Files, gz: (f: IdxFileName) => boolean): void {
  mkdirSync(target, { recursive: true });
  for (const f of IDX_FILES) writeFileSync(join(target, gz(f) ? `${f}.gz` : f), gz(f) ? gzipSync(files[f]) : files[f]);
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function datasetError(promise: Promise<unknown>): Promise<DatasetError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DatasetError);
  return err as DatasetError;
}

describe('the vendored Fashion-MNIST', () => {
  it('loads all 70,000 images in the official order into shared memory', async () => {
    const started = performance.now();
    const d = await loadDataset({ name: 'fashion-mnist', download: false, fetchImpl: noNetwork });
    const elapsedMs = performance.now() - started;
    expect(d.train.count).toBe(60_000);
    expect(d.test.count).toBe(10_000);
    expect([d.rows, d.cols, d.classes]).toEqual([28, 28, 10]);
    expect(d.train.images).toBeInstanceOf(SharedArrayBuffer);
    expect(d.train.images.byteLength).toBe(60_000 * 784);
    expect(d.test.labels.byteLength).toBe(10_000);
    expect([...new Uint8Array(d.train.labels, 0, 4)]).toEqual([9, 0, 0, 3]);
    expect(d.identity).toEqual({ name: 'fashion-mnist', checksum: VENDORED_CHECKSUM });
    // About a second on a laptop; generous here because tests share two cores.
    expect(elapsedMs).toBeLessThan(10_000);
  });
});

// SHA-256 over the four decompressed vendored files, in IDX_FILES order (computed with Python's gzip + hashlib).
const VENDORED_CHECKSUM = '812ccd02e62e1b9124455d2850405f1f87771a5eab785fbe4e337ddb7ad7e760';

describe('a data directory', () => {
  it('loads a synthetic set, gzipped or plain, to the same identity', async () => {
    const files = tinySet();
    writeSet(join(dir, 'gz'), files, () => true);
    writeSet(join(dir, 'plain'), files, () => false);
    writeSet(join(dir, 'mixed'), files, (f) => f.startsWith('train'));
    const notes: string[] = [];
    const loaded = await Promise.all(
      ['gz', 'plain', 'mixed'].map((sub) =>
        loadDataset({ name: 'mnist', dataDir: join(dir, sub), download: false, onProgress: (m) => notes.push(m) }),
      ),
    );
    const expectedChecksum = sha256(Buffer.concat(IDX_FILES.map((f) => files[f])));
    for (const d of loaded) {
      expect(d.identity).toEqual({ name: 'mnist', checksum: expectedChecksum });
      expect(d.train.count).toBe(5);
      expect(d.test.count).toBe(2);
      expect([...new Uint8Array(d.train.labels)]).toEqual([9, 0, 0, 3, 2]);
      expect(new Uint8Array(d.train.images)[784 * 3 + 17]).toBe(3);
      expect([...new Uint8Array(d.test.labels)]).toEqual([1, 7]);
    }
    expect(notes).toContain(`note: ${IDX_FILES.join(', ')} in ${join(dir, 'gz')} are not a known copy of mnist; using them as given`);
    expect(notes).toHaveLength(3);
  });

  it('lists what it looked for when files are missing', async () => {
    const files = tinySet();
    writeSet(dir, files, () => true);
    rmSync(join(dir, 'train-labels-idx1-ubyte.gz'));
    rmSync(join(dir, 't10k-images-idx3-ubyte.gz'));
    const err = await datasetError(loadDataset({ name: 'fashion-mnist', dataDir: dir }));
    expect(err.code).toBe('DATASET_FILES_MISSING');
    expect(err.message).toBe(
      `The data directory ${dir} lacks 2 of the four fashion-mnist files: looked for train-labels-idx1-ubyte.gz or ` +
        'train-labels-idx1-ubyte, t10k-images-idx3-ubyte.gz or t10k-images-idx3-ubyte. Put the official IDX files there ' +
        '(gzipped or not), or point --data-dir (or SWEEP_DATA_DIR) at the directory that holds them.',
    );
  });
});

describe('bad IDX files', () => {
  const trainImages = 'train-images-idx3-ubyte';
  const trainLabels = 'train-labels-idx1-ubyte';
  const cases: { what: string; file: IdxFileName; bytes: Buffer; code: string; message: string }[] = [
    {
      what: 'a label file under an image name',
      file: trainImages,
      bytes: idxLabels([1, 2]),
      code: 'IDX_BAD_MAGIC',
      message: 'magic number 2049, expected 2051 for an IDX image file: it is an IDX label file under an image file\'s name; check the file names.',
    },
    {
      what: 'not an IDX file at all',
      file: trainLabels,
      bytes: Buffer.from('<html><body>Not Found</body></html>'),
      code: 'IDX_BAD_MAGIC',
      message: 'magic number 1013478509, expected 2049 for an IDX label file: it is not an IDX file (a web page saved by mistake, or a damaged download?).',
    },
    {
      what: 'images of the wrong size',
      file: trainImages,
      bytes: idxImages(5, 32, 32),
      code: 'IDX_BAD_SHAPE',
      message: "its images are 32x32 pixels, but this dataset's are 28x28. Use the original files of the dataset.",
    },
    {
      what: 'a header cut short',
      file: trainImages,
      bytes: idxImages(5).subarray(0, 10),
      code: 'IDX_TOO_SHORT',
      message: '10 bytes is too short for an IDX image header (16 bytes); the file is truncated or empty. Download it again.',
    },
    {
      what: 'pixels cut short',
      file: trainImages,
      bytes: idxImages(5).subarray(0, 16 + 784 * 4 + 100),
      code: 'IDX_BAD_LENGTH',
      message: 'the header promises 5 images of 28x28 (3920 bytes after the header) but 3236 bytes follow; the file is truncated. Download it again.',
    },
    {
      what: 'extra bytes after the labels',
      file: trainLabels,
      bytes: Buffer.concat([idxLabels([9, 0, 0, 3, 2]), Buffer.from([1])]),
      code: 'IDX_BAD_LENGTH',
      message: 'the header promises 5 labels (5 bytes after the header) but 6 bytes follow; the file is followed by extra data. Download it again.',
    },
    {
      what: 'a label out of range',
      file: trainLabels,
      bytes: idxLabels([9, 0, 10, 3, 2]),
      code: 'IDX_BAD_LABEL',
      message: 'label 10 at index 2 is outside 0-9; the file is damaged or not a label file of this dataset.',
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.what}`, async () => {
      writeSet(dir, { ...tinySet(), [c.file]: c.bytes }, () => false);
      const err = await datasetError(loadDataset({ name: 'fashion-mnist', dataDir: dir }));
      expect(err.code).toBe(c.code);
      expect(err.message).toBe(`${join(dir, c.file)}: ${c.message}`);
    });
  }

  it('rejects image and label counts that disagree', async () => {
    writeSet(dir, { ...tinySet(), 't10k-labels-idx1-ubyte': idxLabels([1, 7, 2]) }, () => true);
    const err = await datasetError(loadDataset({ name: 'fashion-mnist', dataDir: dir }));
    expect(err.code).toBe('IDX_COUNT_MISMATCH');
    expect(err.message).toBe(
      `${join(dir, 't10k-images-idx3-ubyte.gz')} holds 2 images but ${join(dir, 't10k-labels-idx1-ubyte.gz')} holds 3 labels; ` +
        'both must come from the same release of the dataset.',
    );
  });

  it('rejects a damaged gzip file', async () => {
    writeSet(dir, tinySet(), () => true);
    const path = join(dir, 't10k-images-idx3-ubyte.gz');
    writeFileSync(path, gzipSync(idxImages(2)).subarray(0, 40));
    const err = await datasetError(loadDataset({ name: 'fashion-mnist', dataDir: dir }));
    expect(err.code).toBe('BAD_GZIP');
    expect(err.message).toMatch(new RegExp(`^${escape(path)}: cannot decompress it \\(.+\\); the file is truncated or damaged\\.`));
  });
});

describe('known copies: vendored, Keras cache, download cache', () => {
  let server: Server;
  let served: Map<string, Buffer>;
  let requests: string[];
  let baseUrl: string;

  beforeEach(async () => {
    served = new Map();
    requests = [];
    server = createServer((req, res) => {
      requests.push(req.url!);
      const body = served.get(req.url!);
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** A catalog entry whose official files are gzipped copies of `files`, served locally. */
  function officialEntry(files: Files): DatasetEntry {
    const md5s = {} as Record<IdxFileName, string>;
    for (const f of IDX_FILES) {
      const gz = gzipSync(files[f]);
      served.set(`/${f}.gz`, gz);
      md5s[f] = md5(gz);
    }
    return { ...DATASETS.mnist, baseUrl, md5: md5s };
  }

  function options(entry: DatasetEntry, over: Partial<ResolvedLoadDatasetOptions> = {}): ResolvedLoadDatasetOptions {
    return {
      entry,
      dataDir: undefined,
      vendoredDir: join(dir, 'vendored'),
      kerasDir: join(dir, 'keras'),
      cacheDir: join(dir, 'cache'),
      download: true,
      fetchImpl: fetch,
      onProgress: () => {},
      downloadTimeoutMs: 10_000,
      ...over,
    };
  }

  it('downloads into the cache after checking MD5s, then loads from it offline', async () => {
    const files = tinySet();
    const entry = officialEntry(files);
    const notes: string[] = [];
    const first = await loadDatasetWith(options(entry, { onProgress: (m) => notes.push(m) }));
    expect(first.train.count).toBe(5);
    expect(requests.sort()).toEqual(IDX_FILES.map((f) => `/${f}.gz`).sort());
    expect(readdirSync(join(dir, 'cache')).sort()).toEqual(IDX_FILES.map((f) => `${f}.gz`).sort());
    expect(notes[0]).toBe(`downloading mnist train-images-idx3-ubyte.gz (1 of 4) from ${baseUrl}`);

    const second = await loadDatasetWith(options(entry, { download: false }));
    expect(second.identity).toEqual(first.identity);
    expect(requests).toHaveLength(4);
  });

  it('fetches only what the cache lacks, and replaces a damaged cached file', async () => {
    const files = tinySet();
    const entry = officialEntry(files);
    mkdirSync(join(dir, 'cache'));
    writeFileSync(join(dir, 'cache', 'train-labels-idx1-ubyte.gz'), served.get('/train-labels-idx1-ubyte.gz')!);
    writeFileSync(join(dir, 'cache', 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabels([1, 8])));
    const notes: string[] = [];
    const d = await loadDatasetWith(options(entry, { onProgress: (m) => notes.push(m) }));
    expect([...new Uint8Array(d.test.labels)]).toEqual([1, 7]);
    expect(requests.sort()).toEqual(['/t10k-images-idx3-ubyte.gz', '/t10k-labels-idx1-ubyte.gz', '/train-images-idx3-ubyte.gz']);
    expect(notes[0]).toMatch(/t10k-labels-idx1-ubyte\.gz is damaged \(its MD5 is [0-9a-f]{32}, not the official [0-9a-f]{32}\); removing it$/);
  });

  it('keeps nothing when a download fails its MD5', async () => {
    const entry = officialEntry(tinySet());
    const bad = { ...entry, md5: { ...entry.md5, 't10k-images-idx3-ubyte': '0'.repeat(32) } };
    const err = await datasetError(loadDatasetWith(options(bad)));
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toBe(
      `Downloaded ${baseUrl}t10k-images-idx3-ubyte.gz but its MD5 is ${entry.md5['t10k-images-idx3-ubyte']}, not the official ` +
        `${'0'.repeat(32)}; the file was not kept. Retry later, or fetch the files yourself and pass their directory with --data-dir DIR.`,
    );
    const cached = readdirSync(join(dir, 'cache'));
    expect(cached).not.toContain('t10k-images-idx3-ubyte.gz');
    expect(cached.filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says where it looked and how to provide the files when downloading is off', async () => {
    const entry = officialEntry(tinySet());
    writeSet(join(dir, 'keras'), tinySet(), () => true);
    rmSync(join(dir, 'keras', 'train-images-idx3-ubyte.gz'));
    const err = await datasetError(loadDatasetWith(options(entry, { download: false })));
    expect(err.code).toBe('DATASET_UNAVAILABLE');
    expect(err.message).toBe(
      'The mnist dataset is not on this machine and downloading is turned off.\n' +
        'Looked in:\n' +
        `  ${join(dir, 'vendored')} (no files)\n` +
        `  ${join(dir, 'keras')} (missing train-images-idx3-ubyte)\n` +
        `  ${join(dir, 'cache')} (no files)\n` +
        `To provide it, put the four files (${IDX_FILES.join(', ')}; gzipped or not) in a directory and pass it with ` +
        `--data-dir DIR or the SWEEP_DATA_DIR environment variable. They are published at ${baseUrl}`,
    );
    expect(requests).toEqual([]);
  });

  it('reports an unreachable server or a missing file as unavailable, with the reason', async () => {
    const entry = officialEntry(tinySet());
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
    await new Promise((resolve) => closed.close(resolve));

    const offline = await datasetError(loadDatasetWith(options({ ...entry, baseUrl: deadUrl })));
    expect(offline.code).toBe('DATASET_UNAVAILABLE');
    expect(offline.message).toMatch(
      new RegExp(`^The mnist dataset is not on this machine and GET ${escape(deadUrl)}train-images-idx3-ubyte\\.gz failed: fetch failed \\(.*ECONNREFUSED.*\\)\\.\\nLooked in:`),
    );
    expect(offline.message).toContain('--data-dir DIR or the SWEEP_DATA_DIR environment variable');

    served.delete('/train-images-idx3-ubyte.gz');
    const missing = await datasetError(loadDatasetWith(options(entry)));
    expect(missing.code).toBe('DATASET_UNAVAILABLE');
    expect(missing.message).toContain(`and GET ${baseUrl}train-images-idx3-ubyte.gz answered 404 Not Found.\n`);
    expect(existsSync(join(dir, 'cache', 'train-images-idx3-ubyte.gz'))).toBe(false);
  });

  it("uses Keras's cache when its files are the official ones, and refuses damaged ones", async () => {
    const files = tinySet();
    const entry = officialEntry(files);
    writeSet(join(dir, 'keras'), files, () => true);
    const d = await loadDatasetWith(options(entry));
    expect(d.train.count).toBe(5);
    expect(requests).toEqual([]);

    writeFileSync(join(dir, 'keras', 'train-labels-idx1-ubyte.gz'), gzipSync(idxLabels([1, 1, 1, 1, 1])));
    const err = await datasetError(loadDatasetWith(options(entry)));
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toMatch(
      new RegExp(
        `^${escape(join(dir, 'keras', 'train-labels-idx1-ubyte.gz'))}: its MD5 is [0-9a-f]{32}, not the official ${entry.md5['train-labels-idx1-ubyte']}\\. ` +
          'The file is damaged or from another release: delete it so it is fetched again, or pass --data-dir DIR\\.$',
      ),
    );
  });

  it('checks a vendored copy by the SHA-256 of its decompressed files', async () => {
    const files = tinySet();
    const sha = Object.fromEntries(IDX_FILES.map((f) => [f, sha256(files[f])]));
    const entry = { ...officialEntry(files), sha256: sha, md5: { ...DATASETS.mnist.md5 } };
    // Recompressed at another level: the MD5 differs from any official one, the content does not.
    mkdirSync(join(dir, 'vendored'));
    for (const f of IDX_FILES) writeFileSync(join(dir, 'vendored', `${f}.gz`), gzipSync(files[f], { level: 1 }));
    expect((await loadDatasetWith(options(entry))).test.count).toBe(2);

    writeFileSync(join(dir, 'vendored', 't10k-images-idx3-ubyte.gz'), gzipSync(idxImages(3)));
    const err = await datasetError(loadDatasetWith(options(entry)));
    expect(err.code).toBe('CHECKSUM_MISMATCH');
    expect(err.message).toContain(`${join(dir, 'vendored', 't10k-images-idx3-ubyte.gz')}: its MD5 is `);
    expect(err.message).toContain(
      `and its decompressed SHA-256 is ${sha256(idxImages(3))}, not ${sha['t10k-images-idx3-ubyte']}. ` +
        'The project copy is damaged: restore it from git (git checkout -- data/), or pass --data-dir DIR.',
    );
    expect(requests).toEqual([]);
  });
});

describe('the package root', () => {
  it('is found from src/ and from a compiled dist/ alike', () => {
    mkdirSync(join(dir, 'pkg', 'dist', 'trainer'), { recursive: true });
    mkdirSync(join(dir, 'pkg', 'src', 'trainer'), { recursive: true });
    writeFileSync(join(dir, 'pkg', 'package.json'), '{}');
    expect(findPackageRoot(join(dir, 'pkg', 'dist', 'trainer'))).toBe(join(dir, 'pkg'));
    expect(findPackageRoot(join(dir, 'pkg', 'src', 'trainer'))).toBe(join(dir, 'pkg'));
  });
});

const noNetwork: typeof fetch = () => Promise.reject(new Error('tests must not touch the network'));

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
