import { describe, expect, it } from 'vitest';
import { emptyView } from '../../src/tui/view-model.js';
import { createViewStore } from '../../src/tui/view-store.js';
import { tick } from './render.js';

const withNotice = (notice: string) => () => ({ ...emptyView(), notice });

describe('createViewStore', () => {
  it('publishes a lone update at once and coalesces a burst into one publication per interval', async () => {
    const views = createViewStore({ minIntervalMs: 50 });
    let published = 0;
    views.subscribe(() => (published += 1));
    views.update(withNotice('1'));
    expect(published).toBe(1);
    expect(views.getSnapshot().notice).toBe('1');
    for (let i = 2; i <= 100; i += 1) views.update(withNotice(String(i)));
    // Readers keep the last published snapshot until the interval has passed.
    expect(published).toBe(1);
    expect(views.getSnapshot().notice).toBe('1');
    await tick(80);
    expect(published).toBe(2);
    expect(views.getSnapshot().notice).toBe('100');
  });

  it('publishes on flush and stops after close', async () => {
    const views = createViewStore({ minIntervalMs: 1000 });
    views.update(withNotice('a'));
    views.update(withNotice('b'));
    views.flush();
    expect(views.getSnapshot().notice).toBe('b');
    views.update(withNotice('c'));
    views.close();
    await tick(20);
    expect(views.getSnapshot().notice).toBe('b');
  });
});
