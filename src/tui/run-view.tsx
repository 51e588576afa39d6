import { render } from 'ink';
import type { SweepEvent, SweepEventListener } from '../orchestrator/events.js';
import type { SweepStore } from '../store/sweep-store.js';
import { Dashboard } from './Dashboard.js';
import { reduceSweepEvent, startedView, withRecords, withWorkers } from './view-reducer.js';
import type { SweepView } from './view-model.js';
import { createViewStore } from './view-store.js';

export interface RunViewOptions {
  /**
   * Read (never written) twice: at `sweep-started` for the epochs a resumed sweep already has,
   * and at `sweep-finished` for the trials the controller cancelled without an event.
   */
  store: SweepStore;
  /** The person confirmed "stop the local workers?" or pressed Ctrl-C: cancel the run. */
  onStop: () => void;
  /** Ctrl-C again while stopping (raw mode turns it into a key, not SIGINT): e.g. quit at once. */
  onInterrupt?: () => void;
  /** False for NO_COLOR. @default true */
  color?: boolean;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
  /** @default 10 */
  maxFps?: number;
  /** Route console.* above the dashboard instead of through it. @default true */
  patchConsole?: boolean;
}

/** The dashboard of an embedded run, fed the controller's events. */
export interface RunView {
  onEvent: SweepEventListener;
  /** Draws the last frame and unmounts; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Mounts the dashboard for `sweep run`. Events update a view model at any rate; the screen is
 * redrawn at most `maxFps` times a second from this (the main) thread, while trials train in
 * worker threads, so drawing never slows training.
 */
export function createRunView(options: RunViewOptions): RunView {
  const views = createViewStore({ minIntervalMs: Math.ceil(1000 / (options.maxFps ?? 10)) });
  const tree = <Dashboard source={views} embedded onStop={options.onStop} onInterrupt={options.onInterrupt} color={options.color ?? true} />;
  const instance = render(tree, {
    stdout: options.stdout ?? process.stdout,
    stdin: options.stdin ?? process.stdin,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    maxFps: options.maxFps ?? 10,
  });
  let closing: Promise<void> | undefined;
  return {
    onEvent: (event) => views.update((view) => apply(view, event, options.store)),
    close() {
      closing ??= (async () => {
        views.flush();
        // The store's notification schedules a React update that unmounting would drop; a
        // rerender is synchronous, so the last frame shows the sweep as it ended.
        instance.rerender(tree);
        instance.unmount();
        await instance.waitUntilExit();
        views.close();
      })();
      return closing;
    },
  };
}

function apply(view: SweepView, event: SweepEvent, store: SweepStore): SweepView {
  switch (event.type) {
    case 'sweep-started':
      return withWorkers(startedView(event.sweep, event.trials, store.listEpochs(event.sweep.id), event.atMs), store.listWorkers());
    case 'sweep-finished':
      return withRecords(reduceSweepEvent(view, event), store.listTrials(event.sweepId));
    default:
      return reduceSweepEvent(view, event);
  }
}
