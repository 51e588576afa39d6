import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { effectiveStatus } from '../../src/orchestrator/sweep-liveness.js';
import { openSqliteStore } from '../../src/store/index.js';
import { snapshotView } from '../../src/tui/store-snapshot.js';
import { tempDir } from '../helpers/fixtures.js';

describe('sweep top: the status of a sweep whose orchestrator died', () => {
  it('shows the resolved status, ended at the last update, without changing the store', () => {
    const dir = tempDir('sweep-tui-');
    const store = openSqliteStore(join(dir, 'sweeps.db'), { now: () => 5000 });
    try {
      const id = store.createSweep({ name: 's', method: 'grid', metric: { name: 'val_loss', goal: 'minimize' }, specHash: 'h', sourceText: '', sourcePath: 's.yaml', spec: {}, createdAtMs: 1000 }).id;
      store.setSweepStatus(id, 'running', { host: 'here', pid: 200 });
      const probe = { host: 'here', isAlive: () => false };

      expect(snapshotView(store, id, null)).toMatchObject({ status: 'running', endedAtMs: null });
      expect(snapshotView(store, id, null, (s) => effectiveStatus(s, probe))).toMatchObject({ status: 'interrupted', endedAtMs: 5000 });
      expect(store.getSweep(id)?.status).toBe('running');
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
