import { describeVaried } from '../orchestrator/leaderboard.js';
import type { TrialRecord } from '../store/sweep-store.js';
import { firstLine, type LogLine } from './view-model.js';

/** How a trial is named in one line: its study and what that study varies. */
export function trialLabel(record: Pick<TrialRecord, 'study' | 'config' | 'varied'>): string {
  return `${record.study} ${describeVaried(record)}`;
}

/**
 * The log line for a trial that just ended, or null when its end is unremarkable (completed,
 * cancelled). `epochs` is how many epochs its latest attempt reported.
 */
export function endLogLine(record: TrialRecord, epochs: number): LogLine | null {
  const key = `${record.trialId}#${record.attempts}:${record.state}`;
  const base = { key, trialId: record.trialId };
  switch (record.state) {
    case 'failed':
      return { ...base, kind: 'failed', text: `${trialLabel(record)} failed: ${firstLine(record.error ?? 'no error message')}` };
    case 'stopped_early':
      return {
        ...base,
        kind: 'stopped_early',
        text: `${trialLabel(record)} stopped early after epoch ${epochs}${record.bestEpoch !== null ? ` (best epoch ${record.bestEpoch})` : ''}`,
      };
    case 'diverged':
      return { ...base, kind: 'diverged', text: `${trialLabel(record)} diverged (loss no longer finite) after ${epochs} epoch${epochs === 1 ? '' : 's'}` };
    default:
      return null;
  }
}

/** The log line for a trial handed out again, as attempt `attempt`. */
export function retryLogLine(record: TrialRecord, attempt: number, reason: string): LogLine {
  return { key: `${record.trialId}#${attempt}:retried`, kind: 'retried', trialId: record.trialId, text: `${trialLabel(record)} retried as attempt ${attempt}: ${firstLine(reason)}` };
}
