import { progressNotice, reportFacts } from './report-facts.js';
import type { ReportModel } from './report-model.js';
import { finalMetricsTable, leaderboardTable, markdownTable } from './report-tables.js';
import type { Figure } from './study-figures.js';

/** summary.md: the facts, the leaderboard and each study's final metrics, for a pull request or a wiki. */
export function summaryMarkdown(model: ReportModel, figures: readonly Figure[]): string {
  const notice = progressNotice(model);
  const parts = [
    `# Sweep ${model.sweep.id}`,
    ...(notice ? [`> **${notice}**`] : []),
    reportFacts(model).map(([k, v]) => `- ${k}: ${v}`).join('\n'),
    `## Leaderboard\n\nEvery trial ranked by its best ${model.metric.name} (${model.metric.goal}) over its latest attempt.\n\n${markdownTable(leaderboardTable(model))}`,
    ...model.studies.map((study) => {
      const images = figures.filter((f) => f.study === study.name).map((f) => `![${f.title}](${f.file}.png)`);
      const varies = study.varied.length > 0 ? `Varies ${study.varied.join(', ')}.` : 'Varies nothing.';
      return [`## Study ${study.name}`, varies, ...images, markdownTable(finalMetricsTable(study, model))].join('\n\n');
    }),
  ];
  return `${parts.join('\n\n')}\n`;
}
