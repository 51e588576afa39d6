import { describe, expect, it } from 'vitest';
import { effectiveStatus, type ProcessProbe } from '../../src/orchestrator/sweep-liveness.js';
import type { SweepStatus } from '../../src/store/index.js';

/** A probe on host 'here' where only pid 100 is alive; it records which pids it was asked about. */
function probe(): ProcessProbe & { asked: number[] } {
  const asked: number[] = [];
  return { host: 'here', asked, isAlive: (pid) => (asked.push(pid), pid === 100) };
}

describe('effectiveStatus', () => {
  it('shows a running sweep whose owner on this host is gone as interrupted', () => {
    expect(effectiveStatus({ status: 'running', owner: { host: 'here', pid: 200 } }, probe())).toBe('interrupted');
  });

  it('keeps a running sweep whose owner on this host is alive', () => {
    expect(effectiveStatus({ status: 'running', owner: { host: 'here', pid: 100 } }, probe())).toBe('running');
  });

  it('keeps running when the owner is on another host or unknown, without probing', () => {
    const p = probe();
    expect(effectiveStatus({ status: 'running', owner: { host: 'elsewhere', pid: 200 } }, p)).toBe('running');
    expect(effectiveStatus({ status: 'running', owner: null }, p)).toBe('running');
    expect(p.asked).toEqual([]);
  });

  it('returns any other status as stored, whatever the owner', () => {
    const p = probe();
    for (const status of ['finished', 'cancelled', 'interrupted'] as SweepStatus[]) {
      expect(effectiveStatus({ status, owner: { host: 'here', pid: 200 } }, p)).toBe(status);
    }
    expect(p.asked).toEqual([]);
  });
});
