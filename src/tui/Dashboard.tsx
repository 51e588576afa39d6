import { Box, useApp } from 'ink';
import { useMemo, useReducer } from 'react';
import { EventLog } from './EventLog.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { planList } from './layout.js';
import { Leaderboard } from './Leaderboard.js';
import { rankView, sortMetrics, studiesOf, sweepMetricOf } from './ranking.js';
import { RunningTrials } from './RunningTrials.js';
import { listedWorkers, summarize } from './summary.js';
import { ThemeContext } from './theme.js';
import { TrialDetail } from './TrialDetail.js';
import { INITIAL_UI, reduceUi, selectedIn } from './ui-state.js';
import { useClock } from './use-clock.js';
import { useDashboardKeys } from './use-dashboard-keys.js';
import { useSweepView } from './use-sweep-view.js';
import { useTerminalSize } from './use-terminal-size.js';
import type { ViewSource } from './view-store.js';
import { Workers } from './Workers.js';

export interface DashboardProps {
  source: ViewSource;
  /**
   * An embedded run (`sweep run`): q asks "stop the local workers?" and, on yes, calls `onStop`
   * and waits for the run to end; whoever mounted the dashboard unmounts it. Otherwise (`sweep
   * top`) q leaves at once. @default false
   */
  embedded?: boolean;
  onStop?: () => void;
  /** Embedded: Ctrl-C once more while stopping (the caller may quit at once). */
  onInterrupt?: () => void;
  /** False for NO_COLOR: no ANSI styling at all. @default true */
  color?: boolean;
  /** @default Date.now */
  now?: () => number;
}

/** The live dashboard of one sweep: header, leaderboard, running trials, workers, event log, detail. */
export function Dashboard({ source, embedded = false, onStop, onInterrupt, color = true, now = Date.now }: DashboardProps) {
  const { exit } = useApp();
  const view = useSweepView(source);
  const { columns, rows } = useTerminalSize();
  const nowMs = useClock(now);
  const [ui, dispatch] = useReducer(reduceUi, INITIAL_UI);

  const metrics = useMemo(() => sortMetrics(sweepMetricOf(view)), [view.sweep]);
  const metric = metrics[ui.sortIndex % metrics.length] ?? metrics[0]!;
  const studies = useMemo(() => studiesOf(view), [view.trials]);
  const ranked = useMemo(() => rankView(view, metric, ui.study), [view.trials, metric, ui.study]);
  const visible = useMemo(() => ranked.map((r) => r.trial.trialId), [ranked]);
  const selected = selectedIn(ui, visible);
  const summary = summarize(view, nowMs);
  const running = [...view.trials.values()].filter((t) => t.record.state === 'running').sort((a, b) => a.record.position - b.record.position);
  const workers = listedWorkers(view.workers.values(), nowMs);
  const layout = planList(rows, { trials: ranked.length, running: running.length, workers: workers.length });

  // Embedded, Ctrl-C stops without asking (as it does without the dashboard) and a second one
  // is the caller's to handle (quit at once); attached, it just leaves.
  const stop = (): void => {
    dispatch({ type: 'stopping' });
    onStop?.();
  };
  useDashboardKeys({
    ui,
    dispatch,
    visible,
    studies,
    metrics: metrics.length,
    confirmLeave: embedded,
    onLeave: embedded ? stop : exit,
    onInterrupt: !embedded ? exit : ui.mode === 'stopping' ? (onInterrupt ?? (() => undefined)) : stop,
  });

  const detail = ui.mode === 'detail' && ui.selectedTrialId !== null ? view.trials.get(ui.selectedTrialId) : undefined;
  return (
    <ThemeContext.Provider value={{ color }}>
      <EventLog lines={view.log} width={columns} />
      <Box flexDirection="column" width={columns}>
        {detail ? (
          <TrialDetail trial={detail} chart={ui.chart} width={columns} rows={rows} />
        ) : (
          <>
            <Header view={view} summary={summary} metric={metric} width={columns} />
            <Leaderboard rows={ranked} selectedId={selected} metric={metric} study={ui.study} maxRows={layout.leaderboard} width={columns} />
            {layout.running > 0 ? <RunningTrials trials={running} maxRows={layout.running} width={columns} /> : null}
            {layout.workers > 0 ? <Workers workers={workers} maxRows={layout.workers} nowMs={nowMs} /> : null}
          </>
        )}
        <Footer mode={ui.mode === 'detail' && !detail ? 'list' : ui.mode} sortName={metric.name} study={ui.study} chart={ui.chart} embedded={embedded} ended={view.status !== 'running' && view.status !== 'waiting'} />
      </Box>
    </ThemeContext.Provider>
  );
}
