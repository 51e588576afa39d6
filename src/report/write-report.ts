import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportError } from '../errors.js';
import type { SweepRecord, SweepStore } from '../store/index.js';
import { htmlPage, type PageFigure } from './html-page.js';
import { renderFigure } from './render-figure.js';
import { loadReportModel, type ReportModel } from './report-model.js';
import { studyFigures } from './study-figures.js';
import { summaryMarkdown } from './summary-markdown.js';

/** One file of a report: its name inside the report directory and its bytes. */
export interface ReportFile {
  name: string;
  content: string | Buffer;
}

/**
 * Every file of a sweep's report, in memory: per figure an SVG and a PNG, then index.html and
 * summary.md. The same store content gives the same bytes.
 */
export async function buildReport(model: ReportModel): Promise<ReportFile[]> {
  const anchors = studySlugs(model.studies.map((s) => s.name));
  const files: ReportFile[] = [];
  const figures: PageFigure[] = [];
  for (const study of model.studies) {
    for (const figure of studyFigures(study, model.metric, anchors.get(study.name) ?? 'study')) {
      // Sequential on purpose: vega's SVG id counters are process-wide (see renderFigure).
      const rendered = await renderFigure(figure.spec, figure.file);
      files.push({ name: `${figure.file}.svg`, content: rendered.svg }, { name: `${figure.file}.png`, content: rendered.png });
      figures.push({ ...figure, svg: rendered.svg });
    }
  }
  files.push({ name: 'index.html', content: htmlPage(model, figures, anchors) }, { name: 'summary.md', content: summaryMarkdown(model, figures) });
  return files;
}

/** Reads the sweep from the store, builds its report and writes it into `outDir` (created if needed). */
export async function writeReport(store: SweepStore, sweep: SweepRecord, outDir: string): Promise<string[]> {
  // The directory first: a bad --out fails before seconds of rendering.
  await writeOutput(outDir, () => mkdir(outDir, { recursive: true }));
  const files = await buildReport(loadReportModel(store, sweep));
  const written: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.name);
    await writeOutput(path, () => writeFile(path, file.content));
    written.push(path);
  }
  return written;
}

/** Runs a file-system write, turning the user's kind of failure (a bad or read-only path) into a ReportError. */
export async function writeOutput(path: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined || !USER_FS_ERRORS.has(code)) throw error;
    throw new ReportError('OUTPUT_UNWRITABLE', `cannot write ${path}: ${FS_REASONS[code] ?? code}`, { cause: error });
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  ENOENT: 'no such directory',
  ENOSPC: 'no space left on the device',
  EEXIST: 'a file is in the way',
};
const USER_FS_ERRORS = new Set(Object.keys(FS_REASONS));

/**
 * File-name-safe, unique names for the studies (also their HTML anchors): lower case, runs of other
 * characters become '-', and a repeated name gets -2, -3...
 */
export function studySlugs(names: readonly string[]): Map<string, string> {
  const used = new Set(['index', 'summary']);
  const slugs = new Map<string, string>();
  for (const name of names) {
    const base = name.toLowerCase().replace(/[^a-z0-9_.]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'study';
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    // A general study's second figure is <slug>-parallel: keep that name free too.
    used.add(slug).add(`${slug}-parallel`);
    slugs.set(name, slug);
  }
  return slugs;
}
