import { afterAll, afterEach, expect, it, vi } from 'vitest';

// A colour terminal, decided before Ink (chalk) is imported: chalk reads it once, at load. Vitest
// loads each test file's modules afresh and the variable is restored after, so this stays here.
const previous = vi.hoisted(() => {
  const value = process.env.FORCE_COLOR;
  process.env.FORCE_COLOR = '1';
  return value;
});
afterAll(() => {
  if (previous === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = previous;
});

const { Dashboard } = await import('../../src/tui/Dashboard.js');
const { createViewStore } = await import('../../src/tui/view-store.js');
const { fixtureView, NOW_MS } = await import('./fixtures.js');
const { KEYS, renderAt, tick } = await import('./render.js');

const SGR = /\u001B\[[0-9;]*m/;
let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function frames(color: boolean): Promise<string[]> {
  const r = renderAt(<Dashboard source={createViewStore({ initial: fixtureView() })} now={() => NOW_MS} color={color} />, { columns: 80, rows: 24 });
  unmount = r.unmount;
  await tick();
  await r.press(KEYS.enter);
  return r.stdout.frames;
}

it('colours states and the selection when the terminal can', async () => {
  const [list, detail] = (await frames(true)).slice(-2);
  expect(list).toMatch(SGR);
  // The failed count and the selected row are styled.
  expect(list).toContain('\u001B[31mfailed 1');
  expect(list).toContain('\u001B[7m');
  expect(detail).toMatch(SGR);
});

it('writes no ANSI styling with NO_COLOR even in a colour terminal', async () => {
  const all = await frames(false);
  expect(all.length).toBeGreaterThan(1);
  for (const frame of all) expect(frame).not.toMatch(SGR);
});
