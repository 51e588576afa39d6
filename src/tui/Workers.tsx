import { Text } from 'ink';
import { busySlots, isWorkerLost } from './summary.js';
import { cell, formatAge } from './text.js';
import { useTheme } from './use-theme.js';
import type { WorkerView } from './view-model.js';

export interface WorkersProps {
  workers: readonly WorkerView[];
  maxRows: number;
  nowMs: number;
}

/** Worker hosts, most recently seen first: backend, busy slots, heartbeat age; lost ones marked. */
export function Workers({ workers, maxRows, nowMs }: WorkersProps) {
  const tone = useTheme();
  const sorted = [...workers].sort((a, b) => b.lastSeenMs - a.lastSeenMs);
  const lost = sorted.filter((w) => isWorkerLost(w, nowMs)).length;
  return (
    <>
      <Text wrap="truncate-end">
        <Text {...tone('title')}>Workers</Text> {workers.length}
        {lost > 0 ? <Text {...tone('bad')}> ({lost} lost)</Text> : null}
        {sorted.length > maxRows ? ` (+${sorted.length - maxRows})` : ''}
      </Text>
      {sorted.slice(0, maxRows).map((w) => {
        const isLost = isWorkerLost(w, nowMs);
        return (
          <Text key={w.id} wrap="truncate-end">
            {'  '}
            {cell(w.host, 20)} {cell(w.backend, 14)} {cell(`${busySlots(w)}/${w.slots} busy`, 10, 'right')}{' '}
            <Text {...tone(isLost ? 'bad' : 'plain')}>{cell(isLost ? `LOST ${formatAge(nowMs, w.lastSeenMs)}` : `seen ${formatAge(nowMs, w.lastSeenMs)} ago`, 13)}</Text> {w.id}
          </Text>
        );
      })}
    </>
  );
}
