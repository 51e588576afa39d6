import type { SweepOwner, SweepStatus } from '../store/sweep-store.js';

/** What a reader can learn about processes: its own host name and whether a pid on it is alive. */
export interface ProcessProbe {
  host: string;
  isAlive(pid: number): boolean;
}

/**
 * The status to show for a sweep. A 'running' sweep whose owner is on this host and no longer
 * alive was left behind by a killed orchestrator (kill -9, a crash, a reboot): it is interrupted,
 * as `sweep run` would have recorded had it stopped cleanly. An owner on another host cannot be
 * checked, and a sweep without one (written before owners were recorded) stays as stored.
 */
export function effectiveStatus(sweep: { status: SweepStatus; owner: SweepOwner | null }, probe: ProcessProbe): SweepStatus {
  const { status, owner } = sweep;
  if (status !== 'running' || owner === null || owner.host !== probe.host) return status;
  return probe.isAlive(owner.pid) ? 'running' : 'interrupted';
}
