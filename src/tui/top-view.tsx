import { render } from 'ink';
import type { SweepRecord, SweepStatus, SweepStore } from '../store/sweep-store.js';
import { Dashboard } from './Dashboard.js';
import { followStore } from './store-follower.js';
import { createViewStore } from './view-store.js';

export interface TopViewOptions {
  /** Opened read-only by the caller. */
  store: SweepStore;
  sweepId: string;
  /** @default 250 */
  intervalMs?: number;
  /** The status to show for the stored sweep (see snapshotView). @default its stored status */
  statusOf?: (sweep: SweepRecord) => SweepStatus;
  /** False for NO_COLOR. @default true */
  color?: boolean;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
}

/** `sweep top`: the dashboard of a sweep another process runs, until the person leaves (q). */
export async function runTopView(options: TopViewOptions): Promise<void> {
  const views = createViewStore();
  const stop = followStore(options.store, options.sweepId, views, {
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    ...(options.statusOf === undefined ? {} : { statusOf: options.statusOf }),
  });
  const instance = render(<Dashboard source={views} color={options.color ?? true} />, {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: 10,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    stop();
    views.close();
  }
}
