// One insight report in the format asked for, with its content type. Pure.
import type { InsightReport } from './insight';
import { renderInsightHtml } from './render-html';
import { insightJson } from './render-json';
import { renderInsightMarkdown } from './render-md';
import type { ReportFormat } from './request';

/** Returns the report rendered as `format` and the content type it is served with. */
export function renderInsight(
  report: InsightReport,
  format: ReportFormat,
): { contentType: string; body: string } {
  switch (format) {
    case 'json':
      return {
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify(insightJson(report)),
      };
    case 'md':
      return { contentType: 'text/markdown; charset=utf-8', body: renderInsightMarkdown(report) };
    case 'html':
      return { contentType: 'text/html; charset=utf-8', body: renderInsightHtml(report) };
  }
}
