// What the mapping is told (options) and what it answers (rows plus the partial-success verdict).
import type { TableRows } from '../rows';

/** A closed range a score must fall in. */
export interface ScoreRange {
  min: number;
  max: number;
}

/** How to map: the clock, retention, which spans are requests, score ranges by score name. */
export interface MappingOptions {
  now: Date;
  retentionDays: number;
  requestSpanKeys: readonly string[];
  scoreRanges: Readonly<Record<string, ScoreRange>>;
}

/** A span with any of these attributes is an inference request. */
export const DEFAULT_REQUEST_SPAN_KEYS: readonly string[] = [
  'gen_ai.operation.name',
  'gen_ai.request.model',
];

/** Score ranges applied unless configured otherwise; scores without a range are unchecked. */
export const DEFAULT_SCORE_RANGES: Readonly<Record<string, ScoreRange>> = {
  accuracy: { min: 0, max: 1 },
  coherence: { min: 0, max: 1 },
};

/**
 * Rows of one request, the number of the signal's items refused (spans, log records or data
 * points) and a short summary of why ('' when there is nothing to say).
 */
export interface MappedExport {
  rows: TableRows;
  rejected: number;
  errorMessage: string;
}
