import { TRIAL_STATES } from '../orchestrator/domain.js';
import { formatDuration } from '../tui/table.js';
import type { ReportModel } from './report-model.js';

/** The lines both report pages open with: what ran, from which file, for how long. */
export function reportFacts(model: ReportModel): [string, string][] {
  const { sweep } = model;
  const states = TRIAL_STATES.filter((s) => model.counts[s] > 0).map((s) => `${model.counts[s]} ${s.replace('_', ' ')}`);
  const ranFor = formatDuration(sweep.updatedAtMs - sweep.createdAtMs);
  return [
    ['sweep', `${sweep.id} (${sweep.method}, ${sweep.status})`],
    ['sweep file', sweep.sourcePath],
    ['metric', `${model.metric.name} (${model.metric.goal})`],
    ['trials', `${model.total}: ${states.join(', ') || 'none yet'}`],
    ['started', new Date(sweep.createdAtMs).toISOString()],
    ['ran for', model.inProgress ? `${ranFor} so far (last update)` : ranFor],
    ['training time', `${formatDuration(model.computeSeconds * 1000)} summed over every trial's epochs`],
  ];
}

/**
 * What a reader must know before trusting the figures, or null for a sweep that ended: a running
 * sweep's report covers only what has finished, and its running trials' curves are partial.
 */
export function progressNotice(model: ReportModel): string | null {
  const covered = `${model.finished} of ${model.total} trials have finished; figures and tables cover those, and curves of unfinished trials are partial and labelled with their state.`;
  switch (model.sweep.status) {
    case 'running':
      return `This sweep is still running. ${covered}`;
    case 'interrupted':
    case 'cancelled':
      return `This sweep was ${model.sweep.status} before it ended. ${covered}`;
    case 'finished':
      return null;
  }
}
