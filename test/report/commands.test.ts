import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportFixture, type ReportFixture } from './fixture.js';
import { runMain } from './run-main.js';

let fixture: ReportFixture;

beforeAll(() => {
  fixture = buildReportFixture();
});
afterAll(() => {
  rmSync(fixture.dir, { recursive: true, force: true });
});

const NO_STACK = /internal error|\n\s+at /;

describe('sweep report and sweep export on the command line', () => {
  it('writes the report by sweep name into --out and says where', async () => {
    const out = join(fixture.dir, 'by-name');
    const result = await runMain(['report', 'grid', '--store', fixture.storePath, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`report of grid-1 (finished) written to ${out}: index.html, summary.md and 2 figures (PNG and SVG)\nopen ${join(out, 'index.html')}\n`);
    expect(readdirSync(out).sort()).toEqual(['grid-parallel.png', 'grid-parallel.svg', 'grid.png', 'grid.svg', 'index.html', 'summary.md']);
  });

  it('refuses an unknown sweep with a clear message and exit 2', async () => {
    for (const [command, ...options] of [['report'], ['export', '--format', 'csv']] as const) {
      const result = await runMain([command, 'nope', '--store', fixture.storePath, ...options]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`sweep ${command}: no sweep 'nope' in ${fixture.storePath}; \`sweep ls\` lists them\n`);
    }
  });

  it('reports an --out it cannot write to, without a stack trace', async () => {
    const blocker = join(fixture.dir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const report = await runMain(['report', 'demo', '--store', fixture.storePath, '--out', join(blocker, 'report')]);
    expect(report.code).toBe(1);
    expect(report.stderr).toBe(`sweep report: cannot write ${join(blocker, 'report')}: a part of the path is a file, not a directory\n`);
    const exported = await runMain(['export', 'demo', '--store', fixture.storePath, '--format', 'json', '--out', join(fixture.dir, 'missing-dir', 'x.json')]);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toBe(`sweep export: cannot write ${join(fixture.dir, 'missing-dir', 'x.json')}: no such directory\n`);
    expect(existsSync(join(fixture.dir, 'missing-dir'))).toBe(false);
  });

  it('rejects a missing or unknown --format and --what', async () => {
    const base = ['export', 'demo', '--store', fixture.storePath];
    const cases: [string[], string][] = [
      [[], 'sweep export: --format is required: csv or json\n'],
      [['--format', 'xml'], "sweep export: --format must be csv or json (got 'xml')\n"],
      [['--format', 'csv', '--what', 'workers'], "sweep export: --what must be trials or epochs (got 'workers')\n"],
    ];
    for (const [args, message] of cases) {
      const result = await runMain([...base, ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(message);
    }
  });

  it('asks which sweep when none is given, and explains a missing database', async () => {
    const none = await runMain(['report']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^sweep report: which sweep\?/);
    const missing = await runMain(['report', 'demo', '--store', join(fixture.dir, 'nothing.db')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^sweep report: No sweep database at /);
    expect(missing.stderr).not.toMatch(NO_STACK);
  });
});
