import { Text } from 'ink';
import type { UiState } from './ui-state.js';
import { useTheme } from './use-theme.js';

export interface FooterProps {
  mode: UiState['mode'];
  /** The metric `s` sorts by now, and the study `f` shows. */
  sortName: string;
  study: string | null;
  chart: UiState['chart'];
  /** An embedded run: leaving stops it. */
  embedded: boolean;
  /** The sweep is no longer running. */
  ended: boolean;
}

/** The keys that work now, or the quit question. */
export function Footer({ mode, sortName, study, chart, embedded, ended }: FooterProps) {
  const tone = useTheme();
  switch (mode) {
    case 'confirm-quit':
      return (
        <Text wrap="truncate-end" {...tone('warn')}>
          stop the local workers? (y/n) The sweep stays resumable: run the same command again.
        </Text>
      );
    case 'stopping':
      return (
        <Text wrap="truncate-end" {...tone('warn')}>
          stopping: running trials end after their current batch (Ctrl-C to quit at once)
        </Text>
      );
    case 'detail':
      return (
        <Text wrap="truncate-end" {...tone('muted')}>
          ↑↓ trial · a {chart === 'loss' ? 'accuracy' : 'loss'} chart · q/esc back
        </Text>
      );
    case 'list':
      // An embedded run that ended is about to unmount: its keys no longer do anything.
      if (embedded && ended) return null;
      return (
        <Text wrap="truncate-end" {...tone('muted')}>
          ↑↓ select · enter detail · s sort ({sortName}) · f study ({study ?? 'all'}) · q {embedded ? 'stop' : 'quit'}
        </Text>
      );
  }
}
