import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/index.js';

/**
 * The CLI under a real pseudo-terminal: tmux runs `sweep run` and `sweep top` in windows of a
 * known size and `capture-pane` reads the screen. Uses the built CLI (`npx tsc -p .` first, as
 * `npm test` does) and a tmux server of its own, killed at the end.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const SOCKET = `sweep-tui-e2e-${process.pid}`;
let dir: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}
const screen = (target: string): string => tmux('capture-pane', '-p', '-t', target);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sweepCommand = (args: string): string => `cd ${ROOT} && env -u NO_COLOR node bin/sweep.js ${args}`;

/** Screens captured every `everyMs` until `done` holds for one (returned last) or the time is up. */
async function watch(target: string, done: (text: string) => boolean, timeoutMs: number, everyMs = 150): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = screen(target);
    seen.push(text);
    if (done(text)) return seen;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms; last screen of ${target}:\n${seen.at(-1) ?? ''}`);
}

const COUNTS = /queued (\d+) · running (\d+) · done (\d+) · failed (\d+) · early (\d+) · diverged (\d+)/;
function countsOn(text: string): number[] | null {
  const match = COUNTS.exec(text);
  return match ? match.slice(1).map(Number) : null;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/commands/top.js'))) throw new Error('dist/ is not built: run `npx tsc -p .` before these tests');
  dir = mkdtempSync(join(tmpdir(), 'sweep-e2e-'));
});
afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // No session was started.
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard end to end (tmux)', () => {
  it('sweep run shows the leaderboard filling in and ends with every trial done, then the plain leaderboard', async () => {
    const store = join(dir, 'run.db');
    tmux('new-session', '-d', '-s', 'run', '-x', '100', '-y', '30', `${sweepCommand(`run sweeps/smoke.yaml --store ${store} -w 2`)}; echo EXIT=$?; sleep 120`);
    const screens = await watch('run', (t) => t.includes('EXIT='), 100_000);
    const last = screens.at(-1)!;
    // While it ran: some trials with a metric, others still without one.
    const filling = screens.filter((t) => /· running\n/.test(t) && /^› +1 smoke .* \d\.\d{4} /m.test(t) && /^ +\d smoke .* +- +- +0\/2 (queued|running)/m.test(t));
    expect(filling.length, screens.join('\n=====\n')).toBeGreaterThan(0);
    expect(last).toContain('· finished');
    expect(last).toContain('4/4 trials');
    expect(countsOn(last)).toEqual([0, 0, 4, 0, 0, 0]);
    expect(last).toMatch(/leaderboard of smoke-\d+ by val_loss \(minimize\):/);
    expect(last).toContain('EXIT=0');
    // Nothing drawn wider than the window (it would have wrapped).
    const dashboard = last.slice(0, last.indexOf('leaderboard of'));
    expect(Math.max(...dashboard.split('\n').map((l) => [...l].length))).toBeLessThanOrEqual(100);
  });

  it('sweep top attached from a second window shows the same counts as the store, through the end', async () => {
    const store = join(dir, 'top.db');
    const file = join(dir, 'top-e2e.yaml');
    // The smoke sweep, longer, on one thread: time enough to attach while it runs.
    writeFileSync(file, readFileSync(join(ROOT, 'sweeps/smoke.yaml'), 'utf8').replace(/^name: smoke$/m, 'name: top-e2e').replace(/^  epochs: 2$/m, '  epochs: 8'));
    tmux('new-session', '-d', '-s', 'top', '-x', '100', '-y', '30', `${sweepCommand(`run ${file} --store ${store} -w 1`)}; echo EXIT=$?; sleep 120`);
    await watch('top:0', (t) => /Running 1/.test(t), 60_000);
    tmux('new-window', '-t', 'top', '-n', 'attached', `${sweepCommand(`top --store ${store} --interval-ms 100`)}; echo TOP_EXIT=$?; sleep 120`);
    await watch('top:attached', (t) => t.includes('sweep top-e2e-1'), 20_000);

    const reader = openSqliteStore(store, { readonly: true });
    try {
      const countsNow = (): number[] => {
        const c = reader.countByState('top-e2e-1');
        return [c.queued, c.running, c.completed, c.failed, c.stopped_early, c.diverged];
      };
      // While running: what top shows is what the store held just before or just after the capture
      // (allowing one poll interval for the dashboard to catch up).
      let compared = 0;
      for (let i = 0; i < 20; i += 1) {
        const before = countsNow();
        await sleep(250);
        const shown = countsOn(screen('top:attached'));
        const after = countsNow();
        if (JSON.stringify(before) === JSON.stringify(after)) {
          expect(shown).toEqual(after);
          compared += 1;
        }
        if (after[2] === 4) break;
      }
      expect(compared).toBeGreaterThan(0);

      await watch('top:0', (t) => t.includes('EXIT='), 100_000);
      const final = (await watch('top:attached', (t) => t.includes('· finished'), 10_000)).at(-1)!;
      expect(countsOn(final)).toEqual(countsNow());
      expect(countsOn(final)).toEqual([0, 0, 4, 0, 0, 0]);
      expect(final).toContain('4/4 trials');
    } finally {
      reader.close();
    }
    // Still alive after the sweep ended; q leaves.
    tmux('send-keys', '-t', 'top:attached', 'q');
    const left = (await watch('top:attached', (t) => t.includes('TOP_EXIT='), 10_000)).at(-1)!;
    expect(left).toContain('TOP_EXIT=0');
  });
});
