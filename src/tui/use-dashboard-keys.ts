import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useLayoutEffect, useRef } from 'react';
import type { UiAction, UiState } from './ui-state.js';

export interface DashboardKeysOptions {
  ui: UiState;
  dispatch: (action: UiAction) => void;
  /** Trial ids in the order the leaderboard shows them. */
  visible: readonly string[];
  studies: readonly string[];
  /** How many sort metrics `s` cycles through. */
  metrics: number;
  /** Leaving stops something (an embedded run's local workers): ask (y/n) before calling `onLeave`. */
  confirmLeave: boolean;
  onLeave: () => void;
  /** Ctrl-C: with the terminal in raw mode it arrives as a key, not as SIGINT. */
  onInterrupt: () => void;
}

const PAGE = 10;

/**
 * The dashboard's keys: ↑/↓ (or k/j, PgUp/PgDn) select, enter opens, `s` sorts, `f` filters,
 * `a` toggles the chart, q/Esc goes back or leaves. Inactive when stdin cannot be put in raw mode
 * (not a terminal), since Ink would throw.
 */
export function useDashboardKeys(options: DashboardKeysOptions): void {
  const { isRawModeSupported } = useStdin();
  // Ink re-subscribes a changed handler only in a passive effect, which can run after the next
  // key: a key typed right after Enter would meet the list's handler. One stable handler reading
  // the latest options (set synchronously after each commit) sees every key in the current mode.
  const latest = useRef(options);
  useLayoutEffect(() => {
    latest.current = options;
  });
  const handler = useCallback((input: string, key: Key) => handleKey(latest.current, input, key), []);
  useInput(handler, { isActive: isRawModeSupported === true });
}

function handleKey(options: DashboardKeysOptions, input: string, key: Key): void {
  const { ui, dispatch, visible } = options;
  if (key.ctrl && input === 'c') return options.onInterrupt();
  const leaving = input === 'q' || key.escape;
  switch (ui.mode) {
    case 'confirm-quit':
      if (input === 'y' || input === 'Y') {
        options.onLeave();
      } else if (input === 'n' || input === 'N' || leaving) {
        dispatch({ type: 'cancel-quit' });
      }
      return;
    case 'stopping':
      return;
    case 'detail':
      if (leaving || key.backspace || key.leftArrow) return dispatch({ type: 'back' });
      if (input === 'a') return dispatch({ type: 'toggle-chart' });
      break;
    case 'list':
      if (leaving) return options.confirmLeave ? dispatch({ type: 'ask-quit' }) : options.onLeave();
      if (key.return) return dispatch({ type: 'open', visible });
      if (input === 's') return dispatch({ type: 'cycle-sort', metrics: options.metrics });
      if (input === 'f') return dispatch({ type: 'cycle-filter', studies: options.studies });
      break;
  }
  const delta = key.upArrow || input === 'k' ? -1 : key.downArrow || input === 'j' ? 1 : key.pageUp ? -PAGE : key.pageDown ? PAGE : 0;
  if (delta !== 0) dispatch({ type: 'move', delta, visible });
}
