import { SweepController } from '../orchestrator/controller.js';
import { FINISHED_STATES, isTerminal } from '../orchestrator/domain.js';
import type { SweepEventListener } from '../orchestrator/events.js';
import type { SweepRecord, SweepStore } from '../store/index.js';
import { closeNats, connectNats, NatsDispatcher, redactUrl, type NatsClientOptions } from '../transport/nats-queue.js';
import type { BackendPreference, DatasetIdentity, DatasetName } from '../transport/protocol.js';
import { createPlainOutput } from '../tui/plain-output.js';
import { storePathOf, stringOption, type CommandContext } from './context.js';
import { NATS_OPTIONS, natsOptionsOf, natsUsage, parseDuration, parsePositiveInt } from './nats-options.js';
import { thisProcess } from './process-probe.js';
import { printSweepResults } from './results.js';
import { EXIT } from './usage.js';

export interface DistributedRunOptions {
  nats: NatsClientOptions;
  backend: BackendPreference;
  /** JetStream's ack wait for trial deliveries: how long a silent worker keeps its trial. */
  ackWaitMs: number;
  maxAttempts: number;
  verbose: boolean;
  tui: boolean;
}

/** What `sweep run` and `sweep resume` add for a distributed run. */
export const DISTRIBUTED_RUN_OPTIONS = {
  ...NATS_OPTIONS,
  'ack-wait': { type: 'string' },
  'max-attempts': { type: 'string' },
} as const;

export function distributedRunUsage(urlFromEnv: boolean): string {
  return `Distributed runs (trials train on \`sweep worker\` hosts; see docs/nats.md):
      --ack-wait DUR     how long a worker that stops reporting keeps its trial before another host
                         gets it (default 30s)
      --max-attempts N   deliveries of a trial before it ends as failed (default 3)

${natsUsage(urlFromEnv)}`;
}

/**
 * The distributed settings from the command line; undefined without a server URL. `sweep run`
 * passes `urlFromEnv: false`: only --nats makes it distributed, NATS_URL alone does not.
 */
export function distributedOptionsOf(context: CommandContext, urlFromEnv: boolean): Pick<DistributedRunOptions, 'nats' | 'ackWaitMs' | 'maxAttempts'> | undefined {
  const nats = natsOptionsOf(context, { urlFromEnv });
  if (!nats) return undefined;
  return {
    nats,
    ackWaitMs: parseDuration('ack-wait', stringOption(context, 'ack-wait'), 30_000),
    maxAttempts: parsePositiveInt('max-attempts', stringOption(context, 'max-attempts'), 3),
  };
}

/**
 * The orchestrator of a distributed run: the same controller as the embedded run, with JetStream
 * as its queue; `sweep worker` processes on any host train the trials. Killing this process loses
 * nothing: running the same command (or `sweep resume`) picks up every report sent meanwhile.
 */
export async function runDistributed(
  store: SweepStore,
  record: SweepRecord,
  datasets: ReadonlyMap<DatasetName, DatasetIdentity>,
  options: DistributedRunOptions,
  context: CommandContext,
): Promise<number> {
  const nc = await connectNats({ ...options.nats, name: `sweep run ${record.id}` });
  try {
    const dispatcher = await NatsDispatcher.open(nc, {
      sweepId: record.id,
      ackWaitMs: options.ackWaitMs,
      onWarning: (message) => context.err(`warning: ${message}`),
    });
    const unfinished = store.listTrials(record.id).filter((t) => !FINISHED_STATES.has(t.state)).length;
    context.out(
      `dispatching ${unfinished} trial${unfinished === 1 ? '' : 's'} to sweep workers on ${redactUrl(nc.getServer())} ` +
        `(ack wait ${options.ackWaitMs / 1000}s, up to ${options.maxAttempts} attempt${options.maxAttempts === 1 ? '' : 's'}) · store ${storePathOf(context)}`,
    );
    const cancel = new AbortController();
    const onSigint = (): void => {
      if (cancel.signal.aborted) {
        context.err('stopping now; what workers report meanwhile waits in NATS. Run the same command to resume.');
        process.exit(EXIT.interrupted);
      }
      context.err('cancelling: queued trials are withdrawn, running ones stop after their current batch (Ctrl-C again to quit at once)');
      cancel.abort();
    };
    const view = options.tui
      ? (await import('../tui/index.js')).createRunView({ store, color: !context.env.noColor, onStop: () => cancel.abort(), onInterrupt: onSigint })
      : undefined;
    const onEvent: SweepEventListener = view?.onEvent ?? createPlainOutput({ write: context.out, verbose: options.verbose });
    const controller = new SweepController({ store, dispatcher, datasets, backend: options.backend, maxAttempts: options.maxAttempts, onEvent, owner: thisProcess() });
    process.on('SIGINT', onSigint);
    try {
      const result = await controller.run(record.id, cancel.signal);
      const allEnded = store.listTrials(record.id).every((t) => isTerminal(t.state));
      // Nothing will report any more: drop the sweep's consumer and stored reports from the server.
      if (result !== 'interrupted' && allEnded) await dispatcher.retire();
      else await dispatcher.close();
      await view?.close();
      printSweepResults(store, record.id, context);
      if (result !== 'finished') return EXIT.interrupted;
      return store.countByState(record.id).failed > 0 ? EXIT.failure : EXIT.ok;
    } finally {
      await view?.close();
      process.off('SIGINT', onSigint);
    }
  } finally {
    await closeNats(nc);
  }
}
