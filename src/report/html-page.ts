import { parameterInfluence } from './parameter-influence.js';
import { progressNotice, reportFacts } from './report-facts.js';
import type { ReportModel, ReportStudy } from './report-model.js';
import { finalMetricsTable, influenceTable, leaderboardTable, type TextTable } from './report-tables.js';
import type { Figure } from './study-figures.js';

/** A figure with its SVG text, ready to inline. */
export interface PageFigure extends Figure {
  svg: string;
}

/**
 * The report as one self-contained HTML page: CSS and every figure's SVG are inline, and nothing
 * refers to the network (no fonts, scripts or images to fetch), so the file works offline, mailed
 * or archived. Links to the PNG and SVG files are relative and only followed when clicked.
 */
export function htmlPage(model: ReportModel, figures: readonly PageFigure[], studyAnchors: ReadonlyMap<string, string>): string {
  const { sweep } = model;
  const notice = progressNotice(model);
  // Prefixed so that a study named "leaderboard" cannot take the leaderboard's anchor.
  const anchorOf = (study: ReportStudy): string => `study-${studyAnchors.get(study.name) ?? ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sweep report: ${esc(sweep.id)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Sweep ${esc(sweep.id)}</h1>
${notice ? `<p class="notice" role="status">${esc(notice)}</p>\n` : ''}<dl>
${reportFacts(model).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('\n')}
</dl>
<nav><ul>
<li><a href="#leaderboard">Leaderboard</a></li>
${model.studies.map((s) => `<li><a href="#${anchorOf(s)}">Study ${esc(s.name)}</a></li>`).join('\n')}
<li><a href="#sweep-file">Sweep file</a></li>
</ul></nav>
</header>
<main>
<section id="leaderboard">
<h2>Leaderboard</h2>
<p>Every trial ranked by its best ${esc(model.metric.name)} (${esc(model.metric.goal)}) over its latest attempt.</p>
${htmlTable(leaderboardTable(model))}
</section>
${model.studies.map((s) => studySection(s, model, figures.filter((f) => f.study === s.name), anchorOf(s))).join('\n')}
<section id="sweep-file">
<h2>Sweep file</h2>
<p>${esc(sweep.sourcePath)}</p>
<pre>${esc(sweep.sourceText)}</pre>
</section>
</main>
</body>
</html>
`;
}

function studySection(study: ReportStudy, model: ReportModel, figures: readonly PageFigure[], anchor: string): string {
  const varies = study.varied.length > 0 ? `varies ${study.varied.join(', ')}` : 'varies nothing';
  const body = figures.length > 0 ? figures.map(figureBlock).join('\n') : '<p class="empty">No epochs stored yet: nothing to plot.</p>';
  const influence = study.kind === 'general' && study.varied.length > 0
    ? `<h3>How much each parameter moves the final ${esc(model.metric.name)}</h3>\n${htmlTable(influenceTable(parameterInfluence(study.trials, study.varied, model.metric.goal), model))}\n`
    : '';
  return `<section id="${anchor}">
<h2>Study ${esc(study.name)}</h2>
<p>${esc(`${study.trials.length} trial${study.trials.length === 1 ? '' : 's'}; ${varies}`)}</p>
${body}
<h3>Final metrics</h3>
${htmlTable(finalMetricsTable(study, model))}
${influence}</section>`;
}

function figureBlock(figure: PageFigure): string {
  return `<figure id="figure-${figure.file}" role="img" aria-label="${esc(figure.title)}">
${figure.svg}
<figcaption>${esc(figure.title)} · <a href="${esc(figure.file)}.png">PNG</a> · <a href="${esc(figure.file)}.svg">SVG</a></figcaption>
</figure>`;
}

function htmlTable(table: TextTable): string {
  const numeric = table.header.map((_, i) => table.rows.length > 0 && table.rows.every((r) => /^[-+]?[\d.,/]+(e[-+]?\d+)?$|^-$/.test(r[i] ?? '')));
  const cls = (i: number): string => (numeric[i] ? ' class="num"' : '');
  return `<table>
<thead><tr>${table.header.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${table.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body { font-family: system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0 auto; max-width: 1400px; padding: 1rem 2rem 3rem; color: #222; }
h1 { margin-bottom: .3rem; }
h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2.2rem; }
.notice { background: #fff4d6; border: 1px solid #e8c35a; padding: .6rem .9rem; border-radius: 4px; }
dl { display: grid; grid-template-columns: max-content auto; gap: .15rem 1rem; }
dt { color: #666; }
dd { margin: 0; }
nav ul { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; padding: 0; list-style: none; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .9rem; }
table { border-collapse: collapse; font-size: .88rem; margin: .5rem 0 1rem; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; white-space: nowrap; }
th { background: #f6f6f6; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; }
.empty { color: #777; font-style: italic; }
`;
