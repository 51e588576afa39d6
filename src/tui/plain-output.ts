import { FINISHED_STATES, isTerminal, type TrialState } from '../orchestrator/domain.js';
import type { SweepEvent } from '../orchestrator/events.js';
import { describeVaried } from '../orchestrator/leaderboard.js';
import { estimatedWork } from '../orchestrator/schedule.js';
import type { TrialRecord } from '../store/sweep-store.js';
import type { EpochMetrics } from '../transport/protocol.js';
import { formatDuration, formatMetric } from './table.js';

export interface PlainOutputOptions {
  write: (line: string) => void;
  /** Print every epoch, not only trial starts and ends. @default false */
  verbose?: boolean;
  now?: () => number;
}

/**
 * The line-per-event output for terminals without the dashboard and for logs: one line when a
 * trial starts, one when it ends with its key metrics, and a progress line after each end.
 */
export function createPlainOutput(options: PlainOutputOptions): (event: SweepEvent) => void {
  const now = options.now ?? Date.now;
  const states = new Map<string, TrialState>();
  const lastEpoch = new Map<string, EpochMetrics>();
  const backends = new Map<string, string>();
  const order = new Map<string, number>();
  let total = 0;
  let startedAtMs = now();
  // The ETA counts work (epochs x images), not trials: ch6's 300-epoch trials dwarf the others.
  const configs = new Map<string, TrialRecord['config']>();
  const epochsSeen = new Map<string, number>();
  let workLeft = 0;
  let workDone = 0;

  const label = (trial: TrialRecord): string => `[${String((order.get(trial.trialId) ?? 0) + 1).padStart(String(total).length)}/${total}]`;

  return (event) => {
    switch (event.type) {
      case 'sweep-started': {
        total = event.trials.length;
        workLeft = 0;
        workDone = 0;
        startedAtMs = event.atMs;
        event.trials.forEach((t, i) => {
          order.set(t.trialId, i);
          states.set(t.trialId, t.state);
          configs.set(t.trialId, t.config);
          if (!FINISHED_STATES.has(t.state)) workLeft += estimatedWork(t.config);
        });
        const skipped = total - event.toRun;
        options.write(
          `sweep ${event.sweep.id}: ${total} trial${total === 1 ? '' : 's'}` +
            (event.resumed ? `, resuming (${skipped} already finished, ${event.toRun} to run)` : '') +
            ` · metric ${event.sweep.metric.name} (${event.sweep.metric.goal})`,
        );
        return;
      }
      case 'trial-started':
        states.set(event.trial.trialId, 'running');
        options.write(`${label(event.trial)} start  ${event.trial.study}  ${describeVaried(event.trial)}${event.attempt > 1 ? `  (attempt ${event.attempt})` : ''}`);
        return;
      case 'trial-backend':
        backends.set(event.trialId, event.backend);
        return;
      case 'epoch': {
        lastEpoch.set(event.trialId, event.metrics);
        const config = configs.get(event.trialId);
        if (config) {
          const perEpoch = estimatedWork(config) / config.epochs;
          workDone += perEpoch;
          workLeft -= perEpoch;
          epochsSeen.set(event.trialId, (epochsSeen.get(event.trialId) ?? 0) + 1);
        }
        if (options.verbose) {
          const m = event.metrics;
          options.write(`        ${event.trialId} epoch ${m.epoch}: loss ${formatMetric(m.loss)} acc ${formatMetric(m.accuracy)} val_loss ${formatMetric(m.val_loss)} val_acc ${formatMetric(m.val_accuracy)}`);
        }
        return;
      }
      case 'trial-finished': {
        const { trial, outcome } = event;
        states.set(trial.trialId, trial.state);
        // Epochs it will never train (an early stop, a failure) leave the estimate.
        const unrun = trial.config.epochs - (epochsSeen.get(trial.trialId) ?? 0);
        workLeft -= Math.max(0, unrun) * (estimatedWork(trial.config) / trial.config.epochs);
        const m = lastEpoch.get(trial.trialId);
        const seconds = trial.startedAtMs !== null && trial.endedAtMs !== null ? (trial.endedAtMs - trial.startedAtMs) / 1000 : null;
        const parts = [
          `${label(trial)} ${FINISHED_STATES.has(trial.state) ? 'done ' : 'ended'}  ${trial.study}  ${describeVaried(trial)}  ${trial.state}`,
          `${outcome.epochs} ep`,
          m ? `loss ${formatMetric(m.loss)} acc ${formatMetric(m.accuracy)} val_loss ${formatMetric(m.val_loss)} val_acc ${formatMetric(m.val_accuracy)}` : '',
          seconds !== null ? `${seconds.toFixed(1)}s` : '',
          outcome.backend ?? backends.get(trial.trialId) ?? '',
          outcome.error && trial.state !== 'cancelled' ? `: ${firstLine(outcome.error.message)}` : '',
        ];
        options.write(parts.filter(Boolean).join('  '));
        options.write(progressLine(states, total, workDone, workLeft, now() - startedAtMs));
        return;
      }
      case 'trial-retried':
        options.write(`        ${event.trialId} retried as attempt ${event.attempt}: ${event.reason}`);
        return;
      case 'worker':
        return;
      case 'sweep-finished':
        options.write(`sweep ${event.sweepId} ${event.status} after ${formatDuration(event.atMs - startedAtMs)}`);
        return;
    }
  };
}

function progressLine(states: Map<string, TrialState>, total: number, workDone: number, workLeft: number, elapsedMs: number): string {
  const counts = new Map<TrialState, number>();
  for (const state of states.values()) counts.set(state, (counts.get(state) ?? 0) + 1);
  const ended = [...states.values()].filter(isTerminal).length;
  const detail = [...counts.entries()].map(([state, n]) => `${n} ${state}`).join(', ');
  const etaMs = workDone > 0 && workLeft > 1 ? (elapsedMs / workDone) * workLeft : null;
  return `progress ${ended}/${total} (${detail}) · ${formatDuration(elapsedMs)} elapsed${etaMs !== null ? ` · ETA ~${formatDuration(etaMs)}` : ''}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
