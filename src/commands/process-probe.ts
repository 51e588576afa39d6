import { hostname } from 'node:os';
import type { ProcessProbe } from '../orchestrator/sweep-liveness.js';
import type { SweepOwner } from '../store/sweep-store.js';

/** This process, as the owner of the sweep it runs. */
export function thisProcess(): SweepOwner {
  return { host: hostname(), pid: process.pid };
}

/**
 * Checks pids on this host with signal 0, which tests for existence without signalling: ESRCH
 * means gone; EPERM means it exists but belongs to another user, so it is alive.
 */
export const localProbe: ProcessProbe = {
  host: hostname(),
  isAlive(pid: number): boolean {
    // 0 and negative pids name process groups: such an owner cannot be checked, so it stands.
    if (!Number.isInteger(pid) || pid <= 0) return true;
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'ESRCH';
    }
  },
};
