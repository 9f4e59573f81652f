// The `ingest:` section of the YAML configuration: which spans are requests, score ranges, the
// OTLP body limit and the writer's batching. Every key optional; defaults are the mapping's and
// the writer's own.
import { z } from 'zod';
import { DEFAULT_REQUEST_SPAN_KEYS, DEFAULT_SCORE_RANGES, type ScoreRange } from './genai';
import { DEFAULT_WRITER_LIMITS, type WriterLimits } from './writer';

/** The OTLP body limit unless configured: 64 MiB after decompression, as the issue asks. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Ingest settings, validated and defaulted. */
export interface IngestSettings {
  requestSpanKeys: readonly string[];
  scoreRanges: Readonly<Record<string, ScoreRange>>;
  maxBodyBytes: number;
  writer: WriterLimits;
}

const got = (input: unknown) => `got ${JSON.stringify(input)}`;

function wholeNumber(min: number, max: number, what: string) {
  const message = (iss: { input: unknown }) =>
    `expected ${what}, a whole number from ${min} to ${max}, ${got(iss.input)}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, {
      error: message,
    });
}

// zod 4 numbers are finite: YAML's .inf and .nan are refused here.
const finite = z.number({ error: (iss) => `expected a finite number, ${got(iss.input)}` });

const scoreRange = z
  .tuple([finite, finite], { error: (iss) => `expected [min, max], ${got(iss.input)}` })
  .refine(([min, max]) => min <= max, {
    error: (iss) => `expected [min, max] with min <= max, ${got(iss.input)}`,
  })
  .transform(([min, max]): ScoreRange => ({ min, max }));

const writer = z.strictObject(
  {
    max_batch_rows: wholeNumber(1, 1_000_000, 'rows per flush').optional(),
    max_delay_ms: wholeNumber(0, 10_000, 'milliseconds').optional(),
    max_queue_bytes: wholeNumber(1024, 16 * 1024 ** 3, 'bytes').optional(),
    cooldown_ms: wholeNumber(0, 600_000, 'milliseconds').optional(),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; expected max_batch_rows, max_delay_ms, max_queue_bytes, cooldown_ms`
        : 'expected a mapping',
  },
);

const section = z.strictObject(
  {
    request_span_keys: z
      .array(z.string().min(1, { error: 'expected a non-empty attribute key' }), {
        error: 'expected a list of attribute keys',
      })
      .min(1, { error: 'expected at least one attribute key' })
      .optional(),
    score_ranges: z
      .record(z.string().min(1), scoreRange, { error: 'expected a mapping of name: [min, max]' })
      .optional(),
    max_body_bytes: wholeNumber(1024, 1024 ** 3, 'bytes').optional(),
    writer: writer.optional(),
  },
  {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; expected request_span_keys, score_ranges, max_body_bytes, writer`
        : 'expected a mapping',
  },
);

/**
 * The zod schema of the `ingest:` section: YAML keys in snake_case in, IngestSettings out.
 * Configured score ranges are added to the defaults (a name given replaces its default).
 */
export const ingestSection = section.optional().transform(
  (raw): IngestSettings => ({
    requestSpanKeys: raw?.request_span_keys ?? [...DEFAULT_REQUEST_SPAN_KEYS],
    scoreRanges: { ...DEFAULT_SCORE_RANGES, ...raw?.score_ranges },
    maxBodyBytes: raw?.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES,
    writer: {
      maxBatchRows: raw?.writer?.max_batch_rows ?? DEFAULT_WRITER_LIMITS.maxBatchRows,
      maxDelayMs: raw?.writer?.max_delay_ms ?? DEFAULT_WRITER_LIMITS.maxDelayMs,
      maxQueueBytes: raw?.writer?.max_queue_bytes ?? DEFAULT_WRITER_LIMITS.maxQueueBytes,
      cooldownMs: raw?.writer?.cooldown_ms ?? DEFAULT_WRITER_LIMITS.cooldownMs,
    },
  }),
);
