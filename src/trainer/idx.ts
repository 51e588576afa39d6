import { DatasetError } from '../errors.js';

/**
 * The IDX format (LeCun's MNIST files): a big-endian header of a magic number (0x0000 0800 + type
 * 0x08 for unsigned bytes, then the number of dimensions) and one int32 size per dimension, then the
 * raw bytes. Images are 3-dimensional (count, rows, cols), labels 1-dimensional.
 */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

/** A parsed IDX image file; `pixels` is a view into the input bytes, not a copy. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** A parsed IDX label file; `labels` is a view into the input bytes, not a copy. */
export interface IdxLabels {
  count: number;
  labels: Uint8Array;
}

/**
 * Parses an image file and checks its header against the expected image size. Throws DatasetError
 * (IDX_TOO_SHORT, IDX_BAD_MAGIC, IDX_BAD_SHAPE, IDX_BAD_LENGTH) naming `file`.
 */
export function parseIdxImages(bytes: Uint8Array, file: string, rows: number, cols: number): IdxImages {
  const header = readHeader(bytes, file, IDX_IMAGES_MAGIC, 3);
  const [count, r, c] = header as [number, number, number];
  if (r !== rows || c !== cols) {
    throw new DatasetError(
      'IDX_BAD_SHAPE',
      `${file}: its images are ${r}x${c} pixels, but this dataset's are ${rows}x${cols}. Use the original files of the dataset.`,
    );
  }
  const offset = 16;
  checkLength(bytes, file, offset, count * rows * cols, `${count} images of ${rows}x${cols}`);
  return { count, rows, cols, pixels: bytes.subarray(offset) };
}

/**
 * Parses a label file; every label must be below `classes`. Throws DatasetError (IDX_TOO_SHORT,
 * IDX_BAD_MAGIC, IDX_BAD_LENGTH, IDX_BAD_LABEL) naming `file`.
 */
export function parseIdxLabels(bytes: Uint8Array, file: string, classes: number): IdxLabels {
  const [count] = readHeader(bytes, file, IDX_LABELS_MAGIC, 1) as [number];
  const offset = 8;
  checkLength(bytes, file, offset, count, `${count} labels`);
  const labels = bytes.subarray(offset);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= classes) {
      throw new DatasetError(
        'IDX_BAD_LABEL',
        `${file}: label ${labels[i]} at index ${i} is outside 0-${classes - 1}; the file is damaged or not a label file of this dataset.`,
      );
    }
  }
  return { count, labels };
}

function readHeader(bytes: Uint8Array, file: string, magic: number, dims: number): number[] {
  const headerBytes = 4 + 4 * dims;
  const kind = magic === IDX_IMAGES_MAGIC ? 'image' : 'label';
  // The magic number first: a file of the wrong kind is a better diagnosis than "too short".
  if (bytes.length >= 4) {
    const found = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    if (found !== magic) {
      const hint =
        found === IDX_IMAGES_MAGIC || found === IDX_LABELS_MAGIC
          ? `it is an IDX ${found === IDX_IMAGES_MAGIC ? 'image' : 'label'} file under ${kind === 'image' ? 'an image' : 'a label'} file's name; check the file names`
          : 'it is not an IDX file (a web page saved by mistake, or a damaged download?)';
      throw new DatasetError('IDX_BAD_MAGIC', `${file}: magic number ${found}, expected ${magic} for an IDX ${kind} file: ${hint}.`);
    }
  }
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      'IDX_TOO_SHORT',
      `${file}: ${bytes.length} bytes is too short for an IDX ${kind} header (${headerBytes} bytes); the file is truncated or empty. Download it again.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  return Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
}

function checkLength(bytes: Uint8Array, file: string, offset: number, expected: number, what: string): void {
  const actual = bytes.length - offset;
  if (actual !== expected) {
    throw new DatasetError(
      'IDX_BAD_LENGTH',
      `${file}: the header promises ${what} (${expected} bytes after the header) but ${actual} bytes follow; ` +
        `the file is ${actual < expected ? 'truncated' : 'followed by extra data'}. Download it again.`,
    );
  }
}
