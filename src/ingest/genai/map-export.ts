// One decoded OTLP request → the rows to store, and the partial-success verdict.
import type { OtlpExport, Signal } from '../otlp';
import { emptyRows } from '../rows';
import { mapContext } from './context';
import { mapLogs } from './logs';
import { mapMetrics } from './metrics';
import type { MappedExport, MappingOptions } from './options';
import { mapTraces } from './spans';

const ITEM_NOUNS: Readonly<Record<Signal, string>> = {
  traces: 'span',
  logs: 'log record',
  metrics: 'data point',
};

/**
 * Returns the rows of a decoded export request, how many of its items (spans, log records, data
 * points) were refused and why. Pure: no I/O, time is `options.now`.
 */
export function mapExport(
  signal: Signal,
  request: OtlpExport,
  options: MappingOptions,
): MappedExport {
  if (request.signal !== signal) {
    throw new Error(`mapExport: a ${request.signal} request passed as ${signal}`);
  }
  const rows = emptyRows();
  const ctx = mapContext(options, ITEM_NOUNS[signal], rows);
  switch (request.signal) {
    case 'traces':
      mapTraces(request, ctx);
      break;
    case 'logs':
      mapLogs(request, ctx);
      break;
    case 'metrics':
      mapMetrics(request, ctx);
      break;
  }
  return { rows, rejected: ctx.problems.rejected, errorMessage: ctx.problems.message() };
}
