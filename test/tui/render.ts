import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';

/** A stdout of a given size that keeps every frame (Ink in debug mode writes whole frames). */
export class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string): boolean => {
    this.frames.push(frame);
    return true;
  };
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const { data } = this;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

export interface Rendered {
  lastFrame(): string;
  stdout: FakeStdout;
  /** Sends keys and waits for Ink to process them and re-render. */
  press(...keys: string[]): Promise<void>;
  unmount(): void;
  /** True once the app left by itself (useApp().exit). */
  hasExited(): boolean;
}

export const KEYS = { up: '\u001B[A', down: '\u001B[B', enter: '\r', escape: '\u001B', ctrlC: '\u0003' } as const;

/**
 * ink-testing-library's approach (debug mode, fake streams) with a chosen terminal size, which
 * that library fixes at 100 columns.
 */
export function renderAt(tree: ReactElement, size: { columns: number; rows: number } = { columns: 100, rows: 30 }): Rendered {
  const stdout = new FakeStdout(size.columns, size.rows);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: new FakeStdout(size.columns, size.rows) as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  let exited = false;
  void instance.waitUntilExit().then(() => {
    exited = true;
  });
  return {
    hasExited: () => exited,
    lastFrame: () => stdout.frames.at(-1) ?? '',
    stdout,
    async press(...keys) {
      for (const key of keys) {
        const before = stdout.frames.length;
        stdin.write(key);
        // A key usually redraws; under load that can take a while, so wait for the frame (up to a
        // bound: some keys, like a move past the last row, draw nothing).
        for (let waited = 0; stdout.frames.length === before && waited < 400; waited += 10) await tick(10);
        await tick(10);
      }
    },
    unmount: () => instance.unmount(),
  };
}

/** Lets React and Ink flush pending work. */
export async function tick(ms = 20): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
