/**
 * Where things live on the NATS server. Every sweep shares these streams, consumers and buckets;
 * a sweep's messages are told apart by subject, so one server serves many sweeps at once.
 */
export const NAMES = {
  /** Work queue of trials: one subject per trial, at most one message per subject. */
  trialsStream: 'SWEEP_TRIALS',
  /** The durable pull consumer every worker host shares. */
  workersConsumer: 'workers',
  /** Reports from workers (and cancel requests), kept until the orchestrator has stored them. */
  reportsStream: 'SWEEP_REPORTS',
  /** Heartbeats, one key per worker host; an entry expires when its host stops beating. */
  workersBucket: 'sweep_workers',
  /** One key per cancelled sweep: what worker hosts watch to abort running trials. */
  cancelsBucket: 'sweep_cancels',
} as const;

const TRIALS_PREFIX = 'sweep.trials';
const REPORTS_PREFIX = 'sweep.reports';

export const TRIALS_SUBJECTS = `${TRIALS_PREFIX}.>`;
export const REPORTS_SUBJECTS = `${REPORTS_PREFIX}.>`;

export function trialSubject(sweepId: string, trialId: string): string {
  return `${TRIALS_PREFIX}.${token(sweepId)}.${token(trialId)}`;
}

export function sweepTrialsFilter(sweepId: string): string {
  return `${TRIALS_PREFIX}.${token(sweepId)}.*`;
}

export function reportSubject(sweepId: string, trialId: string): string {
  return `${REPORTS_PREFIX}.${token(sweepId)}.${token(trialId)}`;
}

/** Reports about a whole sweep (a cancel request): five tokens, so no trial's subject equals it. */
export function sweepReportSubject(sweepId: string): string {
  return `${REPORTS_PREFIX}.${token(sweepId)}._.sweep`;
}

export function sweepReportsFilter(sweepId: string): string {
  return `${REPORTS_PREFIX}.${token(sweepId)}.>`;
}

/** The orchestrator's durable consumer of one sweep's reports. */
export function orchestratorConsumer(sweepId: string): string {
  return `orchestrator-${token(sweepId)}`;
}

/** The trial id in a trial subject (the last token). */
export function trialIdOfSubject(subject: string): string {
  return untoken(subject.slice(subject.lastIndexOf('.') + 1));
}

/** A KV key for an id (KV keys allow `[-/_=.a-zA-Z0-9]`; `token` output is a subset). */
export function kvKey(id: string): string {
  return token(id);
}

/**
 * Ids become subject tokens, consumer names and KV keys: anything outside `[A-Za-z0-9_-]` (a dot
 * would split the subject, `*` and `>` are wildcards) is escaped as `=HH` per UTF-8 byte, so the
 * mapping is reversible and two ids never share a subject.
 */
export function token(id: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(id)) return id;
  return [...Buffer.from(id, 'utf8')]
    .map((byte) => {
      const ch = String.fromCharCode(byte);
      return /[A-Za-z0-9_-]/.test(ch) ? ch : `=${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
}

export function untoken(text: string): string {
  if (!text.includes('=')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
