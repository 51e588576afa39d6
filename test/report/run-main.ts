import { vi } from 'vitest';
import { main } from '../../src/cli.js';

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI's `main` in this process (from the TypeScript sources) and captures what it prints. */
export async function runMain(args: string[]): Promise<MainResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(args, { NO_COLOR: '1' });
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
