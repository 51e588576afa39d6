import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore, type NewSweep } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

/** The pid of a process that has exited: a killed orchestrator, as far as the store can tell. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

function sweep(name: string, createdAtMs: number): NewSweep {
  return { name, method: 'grid', metric: { name: 'val_loss', goal: 'minimize' }, specHash: name, sourceText: '', sourcePath: `${name}.yaml`, spec: {}, createdAtMs };
}

describe('a sweep whose orchestrator died', () => {
  it('is listed and shown as interrupted; one whose orchestrator lives, or runs on another host, as running', async () => {
    const path = join(tempDir(), 'sweeps.db');
    const store = openSqliteStore(path);
    const dead = store.createSweep(sweep('dead', 1000));
    const live = store.createSweep(sweep('live', 2000));
    const remote = store.createSweep(sweep('remote', 3000));
    store.setSweepStatus(dead.id, 'running', { host: hostname(), pid: await deadPid() });
    store.setSweepStatus(live.id, 'running', { host: hostname(), pid: process.pid });
    store.setSweepStatus(remote.id, 'running', { host: `not-${hostname()}`, pid: 1 });
    store.close();

    const ls = await runCli(['ls', '--store', path]);
    expect(ls.stderr).toBe('');
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/dead-1\s+interrupted\s/);
    expect(ls.stdout).toMatch(/live-1\s+running\s/);
    expect(ls.stdout).toMatch(/remote-1\s+running\s/);

    const show = await runCli(['show', 'dead-1', '--store', path]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('sweep dead-1 (interrupted) from dead.yaml');
    // Reading never rewrites the store: the status shown is derived.
    const reader = openSqliteStore(path, { readonly: true });
    expect(reader.getSweep(dead.id)?.status).toBe('running');
    reader.close();
  });
});
