import { describe, expect, it } from 'vitest';
import { INITIAL_UI, reduceUi, selectedIn, type UiAction, type UiState } from '../../src/tui/ui-state.js';

const run = (actions: UiAction[], from: UiState = INITIAL_UI): UiState => actions.reduce(reduceUi, from);
const visible = ['a', 'b', 'c'];

describe('reduceUi', () => {
  it('moves the selection within the visible trials, clamped at both ends', () => {
    expect(selectedIn(INITIAL_UI, visible)).toBe('a');
    expect(run([{ type: 'move', delta: 1, visible }]).selectedTrialId).toBe('b');
    expect(run([{ type: 'move', delta: 10, visible }]).selectedTrialId).toBe('c');
    expect(run([{ type: 'move', delta: -1, visible }]).selectedTrialId).toBe('a');
  });

  it('keeps the selected trial by id, and falls back to the first when it is filtered out', () => {
    const state = run([{ type: 'move', delta: 2, visible }]);
    expect(selectedIn(state, ['c', 'a', 'b'])).toBe('c');
    expect(selectedIn(state, ['a', 'b'])).toBe('a');
    expect(run([{ type: 'move', delta: 1, visible: ['a', 'b'] }], state).selectedTrialId).toBe('b');
  });

  it('opens the selected trial and goes back', () => {
    const open = run([{ type: 'move', delta: 1, visible }, { type: 'open', visible }]);
    expect(open).toMatchObject({ mode: 'detail', selectedTrialId: 'b' });
    expect(run([{ type: 'back' }], open).mode).toBe('list');
    expect(run([{ type: 'open', visible: [] }])).toBe(INITIAL_UI);
  });

  it('cycles sort metrics and study filters, each back to the start', () => {
    expect(run(Array(5).fill({ type: 'cycle-sort', metrics: 4 })).sortIndex).toBe(1);
    const studies = ['optimizers', 'dropout'];
    const seen = [1, 2, 3].map((n) => run(Array(n).fill({ type: 'cycle-filter', studies })).study);
    expect(seen).toEqual(['optimizers', 'dropout', null]);
  });

  it('asks before quitting, and toggles the chart', () => {
    expect(run([{ type: 'ask-quit' }]).mode).toBe('confirm-quit');
    expect(run([{ type: 'ask-quit' }, { type: 'cancel-quit' }]).mode).toBe('list');
    expect(run([{ type: 'toggle-chart' }]).chart).toBe('accuracy');
    expect(run([{ type: 'toggle-chart' }, { type: 'toggle-chart' }]).chart).toBe('loss');
  });
});
