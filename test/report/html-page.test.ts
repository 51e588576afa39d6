import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportFixture, type ReportFixture } from './fixture.js';
import { runMain } from './run-main.js';

const CHROMIUM = '/usr/bin/chromium';

let fixture: ReportFixture;
let browser: Browser;

beforeAll(async () => {
  // Not a skip: without a browser nothing proves the page works offline, so say how to get one.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}; the HTML report test needs it. Install it with \`apt-get install -y chromium\` (.ci/run installs it in CI).`);
  }
  fixture = buildReportFixture();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
});

interface PageFacts {
  figures: { id: string; width: number; height: number; lines: number; drawnLines: number }[];
  external: number;
  text: string;
}

async function openReport(sweep: string): Promise<{ facts: PageFacts; requests: string[]; errors: string[]; svgFiles: string[]; url: string }> {
  const out = join(fixture.dir, `report-${sweep}`);
  const result = await runMain(['report', sweep, '--store', fixture.storePath, '--out', out]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const url = pathToFileURL(join(out, 'index.html')).href;
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  try {
    await page.goto(url, { waitUntil: 'load' });
    const facts = await page.evaluate((): PageFacts => {
      const figures = Array.from(document.querySelectorAll('figure')).map((figure) => {
        const svg = figure.querySelector('svg');
        const rect = svg?.getBoundingClientRect();
        const lines = Array.from(svg?.querySelectorAll('path[aria-roledescription="line mark"]') ?? []) as SVGPathElement[];
        return {
          id: figure.id,
          width: rect?.width ?? 0,
          height: rect?.height ?? 0,
          lines: lines.length,
          drawnLines: lines.filter((p) => p.getTotalLength() > 0 && p.getBoundingClientRect().width > 0).length,
        };
      });
      return { figures, external: document.querySelectorAll('script, link, img, iframe, object, embed').length, text: document.body.innerText };
    });
    const svgFiles = readdirSync(out).filter((f) => f.endsWith('.svg'));
    return { facts, requests, errors, svgFiles, url };
  } finally {
    await page.close();
  }
}

describe('index.html in headless Chromium', () => {
  it('renders every figure of a running sweep, offline, without errors', async () => {
    const { facts, requests, errors, svgFiles, url } = await openReport(fixture.running);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(facts.external).toBe(0);
    expect(facts.figures.map((f) => f.id).sort()).toEqual(svgFiles.map((f) => `figure-${f.replace(/\.svg$/, '')}`).sort());
    for (const figure of facts.figures) {
      expect(figure.width, figure.id).toBeGreaterThan(300);
      expect(figure.height, figure.id).toBeGreaterThan(200);
      expect(figure.drawnLines, figure.id).toBe(figure.lines);
    }
    expect(facts.figures.find((f) => f.id === 'figure-optimizers')?.lines).toBe(3);
    expect(facts.figures.find((f) => f.id === 'figure-early_stopping')?.lines).toBe(8);
    // The notice comes first, then the leaderboard, the studies' tables and the sweep file, verbatim.
    const text = facts.text;
    expect(text.indexOf('This sweep is still running')).toBeLessThan(text.indexOf('Leaderboard'));
    expect(text).toMatch(/ran for\s+\d+s so far/);
    expect(text).toContain('# a <comment> & "quotes" that HTML must escape');
    expect(text).toContain('nadam(lr=0.002) (running, 3/6 epochs)');
    expect(text.match(/Final metrics/g)).toHaveLength(2);
  });

  it('renders a finished grid with its parallel-coordinates view and influence table', async () => {
    const { facts, requests, errors, url } = await openReport(fixture.grid);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(facts.figures.map((f) => f.id)).toEqual(['figure-grid', 'figure-grid-parallel']);
    for (const figure of facts.figures) expect(figure.drawnLines, figure.id).toBe(figure.lines);
    expect(facts.figures[1]?.lines).toBe(4);
    expect(facts.text).toContain('How much each parameter moves the final val_accuracy');
    expect(facts.text).not.toContain('still running');
    // The page is one file: the PNGs it links to sit beside it but are not loaded.
    const html = readFileSync(new URL(url), 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
