import type { DatasetName } from '../transport/protocol.js';

/** The four IDX files of an MNIST-style dataset, in the order the identity checksum hashes them. */
export const IDX_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;

export type IdxFileName = (typeof IDX_FILES)[number];

/** What sweep knows about one dataset: where to get it and how to tell a good copy. */
export interface DatasetEntry {
  name: DatasetName;
  /** Official mirror; a file's URL is `baseUrl + file + '.gz'`. */
  baseUrl: string;
  files: readonly IdxFileName[];
  /** MD5 of each official `.gz` file, as the publishers list them. */
  md5: Readonly<Record<IdxFileName, string>>;
  /**
   * SHA-256 of the decompressed bytes of known good copies that are not the official .gz files
   * (for Fashion-MNIST: the vendored copy in data/, recompressed, see data/fashion-mnist/SOURCE.md).
   */
  sha256: Readonly<Partial<Record<IdxFileName, string>>>;
  /** Class names, by label. */
  classNames: readonly string[];
  rows: number;
  cols: number;
}

/** Every dataset sweep can load. */
export const DATASETS: Readonly<Record<DatasetName, DatasetEntry>> = {
  'fashion-mnist': {
    name: 'fashion-mnist',
    baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    files: IDX_FILES,
    md5: {
      'train-images-idx3-ubyte': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte': 'bb300cfdad3c16e7a12a480ee83cd310',
    },
    sha256: {
      'train-images-idx3-ubyte': '38f293c4a3881af2a3950da2d9954219bc9c3be886ca598c16807d354b06895e',
      'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
      't10k-images-idx3-ubyte': '5f9736a4bcf7606c3eb59c072ae9c6b7d185a31d51df40d6fed6002c324cb812',
      't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    rows: 28,
    cols: 28,
  },
  mnist: {
    name: 'mnist',
    baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
    files: IDX_FILES,
    md5: {
      'train-images-idx3-ubyte': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte': 'ec29112dd5afa0611ce80d1b7f02629c',
    },
    // No vendored copy: only the official .gz files (checked by MD5) are known.
    sha256: {},
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    rows: 28,
    cols: 28,
  },
};
