export { exportTable, toCsv, toJson, type ExportTable, type ExportWhat } from './export-table.js';
export { figureKindOf, type FigureKind } from './figure-kind.js';
export { parameterInfluence, type ParameterInfluence, type ParameterLevel } from './parameter-influence.js';
export { PNG_SCALE, renderFigure, renderSvg, type RenderedFigure } from './render-figure.js';
export { loadReportModel, type ReportModel, type ReportStudy, type ReportTrial } from './report-model.js';
export { studyFigures, type Figure } from './study-figures.js';
export { buildReport, studySlugs, writeOutput, writeReport, type ReportFile } from './write-report.js';
