/**
 * What the person at the terminal chose, apart from the sweep itself: which trial is selected,
 * how the leaderboard is sorted and filtered, and which screen is up. A pure reducer, so every
 * key's effect is testable without a terminal.
 */
export interface UiState {
  /** `confirm-quit` asks before stopping an embedded run; `stopping` waits for it to wind down. */
  mode: 'list' | 'detail' | 'confirm-quit' | 'stopping';
  /** Kept by id so that re-sorting or a new epoch does not move the selection to another trial. */
  selectedTrialId: string | null;
  /** Index into the sort metrics; 0 is the sweep's own metric. */
  sortIndex: number;
  /** Show one study only; null shows all. */
  study: string | null;
  /** The detail chart: losses or accuracies. */
  chart: 'loss' | 'accuracy';
}

/** What a key asks for; actions that depend on the screen carry what it shows (`visible`, `studies`). */
export type UiAction =
  | { type: 'move'; delta: number; visible: readonly string[] }
  | { type: 'open'; visible: readonly string[] }
  | { type: 'back' }
  | { type: 'cycle-sort'; metrics: number }
  | { type: 'cycle-filter'; studies: readonly string[] }
  | { type: 'toggle-chart' }
  | { type: 'ask-quit' }
  | { type: 'cancel-quit' }
  | { type: 'stopping' };

/** The list, sorted by the sweep's metric, all studies, loss chart, nothing chosen yet. */
export const INITIAL_UI: UiState = { mode: 'list', selectedTrialId: null, sortIndex: 0, study: null, chart: 'loss' };

/** The next UI state; pure, so every key's effect is tested without a terminal. */
export function reduceUi(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'move': {
      if (action.visible.length === 0) return state;
      const at = Math.max(0, action.visible.indexOf(selectedIn(state, action.visible) ?? ''));
      const next = Math.min(action.visible.length - 1, Math.max(0, at + action.delta));
      return { ...state, selectedTrialId: action.visible[next] ?? null };
    }
    case 'open': {
      const selected = selectedIn(state, action.visible);
      return selected === null ? state : { ...state, mode: 'detail', selectedTrialId: selected };
    }
    case 'back':
      return { ...state, mode: 'list' };
    case 'cycle-sort':
      return { ...state, sortIndex: (state.sortIndex + 1) % Math.max(1, action.metrics) };
    case 'cycle-filter': {
      // all -> first study -> ... -> last study -> all
      const at = state.study === null ? -1 : action.studies.indexOf(state.study);
      return { ...state, study: action.studies[at + 1] ?? null };
    }
    case 'toggle-chart':
      return { ...state, chart: state.chart === 'loss' ? 'accuracy' : 'loss' };
    case 'ask-quit':
      return { ...state, mode: 'confirm-quit' };
    case 'cancel-quit':
      return { ...state, mode: 'list' };
    case 'stopping':
      return { ...state, mode: 'stopping' };
  }
}

/** The selected trial among those shown: the chosen one if visible, else the first. */
export function selectedIn(state: UiState, visible: readonly string[]): string | null {
  if (state.selectedTrialId !== null && visible.includes(state.selectedTrialId)) return state.selectedTrialId;
  return visible[0] ?? null;
}
