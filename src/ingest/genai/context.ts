// What every mapper of one request shares: options, the time window, the rows being built and
// the problems found.
import type { TableRows } from '../rows';
import { type TimeWindow, timeWindow } from './checks';
import type { MappingOptions } from './options';
import { Problems } from './problems';

/** The state of mapping one request. */
export interface MapContext {
  options: MappingOptions;
  requestKeys: ReadonlySet<string>;
  window: TimeWindow;
  problems: Problems;
  rows: TableRows;
}

/** Returns a fresh context for one request whose items are called `noun` in reasons. */
export function mapContext(options: MappingOptions, noun: string, rows: TableRows): MapContext {
  return {
    options,
    requestKeys: new Set(options.requestSpanKeys),
    window: timeWindow(options.now, options.retentionDays),
    problems: new Problems(noun),
    rows,
  };
}
