// Delayed labels (POST /api/v1/feedback): validation of the body and its items into
// pending_evaluations rows. Pure: `now`, retention and score ranges are passed in.
//
// An item names its request by trace_id + span_id (hex, 32 and 16 digits) or by response_id,
// and carries a score `name` with a numeric `value` and/or a `label`; `ts` (ISO-8601 or epoch
// ms, default now) is the time of the evaluation, kept as is when the score is attributed.
// Items are judged one by one: the valid ones are kept even when others are refused.
import { z } from 'zod';
import { AppError } from '../errors';
import { checkTime, timeWindow } from './genai/checks';
import { checkScore } from './genai/scores';
import { type EvaluationRow, unixMicros } from './rows';

/** What feedback is checked against: the clock, raw retention, and ranges by score name. */
export interface FeedbackOptions {
  now: Date;
  retentionDays: number;
  scoreRanges: Readonly<Record<string, { min: number; max: number }>>;
}

/** One refused item: its index in the body and why. */
export interface FeedbackError {
  index: number;
  message: string;
}

/** The verdict on a body: rows for pending_evaluations and the refused items. */
export interface FeedbackVerdict {
  rows: EvaluationRow[];
  errors: FeedbackError[];
}

const ISO = z.iso.datetime({ offset: true });
const ISO_PARTS = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$/i;

/** Returns the unix microseconds of an ISO-8601 time with a zone (exact to the microsecond), or undefined. */
export function isoToMicros(text: string): bigint | undefined {
  if (!ISO.safeParse(text).success) return undefined;
  const parts = ISO_PARTS.exec(text);
  if (parts === null) return undefined;
  const seconds = Date.parse(`${parts[1]}${parts[3]}`);
  if (!Number.isFinite(seconds)) return undefined;
  const fraction = (parts[2] ?? '').padEnd(6, '0').slice(0, 6);
  return BigInt(seconds) * 1000n + BigInt(fraction);
}

function hexId(digits: number) {
  return z
    .string({ error: `expected ${digits} hex digits` })
    .regex(new RegExp(`^[0-9a-fA-F]{${digits}}$`), {
      error: (iss) => `expected ${digits} hex digits, got ${JSON.stringify(iss.input)}`,
    })
    .refine((id) => /[1-9a-fA-F]/.test(id), { error: 'must not be all zeros' })
    .transform((id) => id.toLowerCase());
}

const text = (max: number) =>
  z.string({ error: 'expected a string' }).max(max, { error: `longer than ${max} characters` });

const TS_EXPECTED = 'expected an ISO-8601 time with a zone or epoch milliseconds';

// To unix microseconds; a text that is no time is an issue here, not "absent" (which means now).
const timestamp = z.union([z.number(), z.string()], { error: TS_EXPECTED }).transform((ts, ctx) => {
  let micros: bigint | undefined;
  // A number whose microseconds overflow (1e308 ms) is no time: BigInt(Infinity) would throw.
  if (typeof ts === 'number')
    micros = Number.isFinite(ts * 1000) ? BigInt(Math.round(ts * 1000)) : undefined;
  else if (/^\d{1,16}$/.test(ts)) micros = BigInt(ts) * 1000n;
  else micros = isoToMicros(ts);
  if (micros !== undefined) return micros;
  ctx.addIssue({ code: 'custom', message: TS_EXPECTED });
  return z.NEVER;
});

const item = z
  .object(
    {
      trace_id: hexId(32).optional(),
      span_id: hexId(16).optional(),
      response_id: text(256).min(1, { error: 'must not be empty' }).optional(),
      name: text(255).min(1, { error: 'must not be empty' }),
      // zod 4 numbers are finite: JSON's 1e400 (Infinity) is refused here.
      value: z
        .number({
          error: (iss) =>
            typeof iss.input === 'number' ? 'must be a finite number' : 'expected a number',
        })
        .nullish(),
      label: text(1024).optional(),
      ts: timestamp.optional(),
      explanation: text(65_536).optional(),
      evaluator: text(255).optional(),
    },
    { error: 'expected an object' },
  )
  .superRefine((it, ctx) => {
    const bySpan = it.trace_id !== undefined && it.span_id !== undefined;
    if (!bySpan && it.response_id === undefined) {
      const missing =
        it.trace_id !== undefined ? 'span_id' : it.span_id !== undefined ? 'trace_id' : undefined;
      ctx.addIssue({
        code: 'custom',
        message:
          missing === undefined
            ? 'name the request: trace_id and span_id, or response_id'
            : `${missing} is required with ${missing === 'span_id' ? 'trace_id' : 'span_id'} (or give response_id)`,
      });
    }
    if ((it.value ?? undefined) === undefined && (it.label ?? '') === '')
      ctx.addIssue({ code: 'custom', message: 'value or label is required' });
  });

type Item = z.output<typeof item>;

// zod reports a missing key as a wrong type; say "required" when the key is absent.
function issuesText(error: z.ZodError, raw: unknown): string {
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return error.issues
    .map((issue) => {
      const where = issue.path.join('.');
      const absent = issue.path.length === 1 && fields[String(issue.path[0])] === undefined;
      const message = issue.code === 'invalid_type' && absent ? 'required' : issue.message;
      return where === '' ? message : `${where}: ${message}`;
    })
    .join('; ');
}

// The checks zod cannot make alone, shared with OTLP ingest: the time window and the range.
function check(it: Item, ts: bigint | undefined, options: FeedbackOptions): string | undefined {
  const window = timeWindow(options.now, options.retentionDays);
  const timeReason = checkTime((ts ?? window.nowNanos / 1000n) * 1000n, 'ts', window);
  if (timeReason !== undefined) return timeReason.replace(/^ts /, 'ts: ');
  const problem = checkScore(it.name, it.value ?? null, '', options.scoreRanges);
  if (problem === undefined) return undefined;
  return `value: ${problem.reason}${problem.example === undefined ? '' : `, got ${problem.example}`}`;
}

function toRow(it: Item, micros: bigint): EvaluationRow {
  return {
    ts: unixMicros(micros * 1000n),
    model: '',
    model_version: '',
    trace_id: it.trace_id ?? '',
    span_id: it.span_id ?? '',
    response_id: it.response_id ?? '',
    name: it.name,
    value: it.value ?? null,
    label: it.label ?? '',
    explanation: it.explanation ?? '',
    evaluator: it.evaluator ?? '',
    attributes: {},
  };
}

function describe(body: unknown): string {
  if (body === undefined) return 'an empty body';
  return body === null ? 'null' : `a ${typeof body}`;
}

/**
 * Returns the rows of the valid items (model '' — attributed later) and why each other item was
 * refused; throws a 400 when the body is neither an array nor an object.
 */
export function parseFeedback(body: unknown, options: FeedbackOptions): FeedbackVerdict {
  if (body === null || typeof body !== 'object') {
    throw new AppError(
      'invalid_body',
      400,
      `expected a JSON array of feedback items (or one item object), got ${describe(body)}`,
    );
  }
  const items: unknown[] = Array.isArray(body) ? body : [body];
  const nowMicros = BigInt(options.now.getTime()) * 1000n;
  const verdict: FeedbackVerdict = { rows: [], errors: [] };
  items.forEach((raw, index) => {
    const parsed = item.safeParse(raw);
    if (!parsed.success) {
      verdict.errors.push({ index, message: issuesText(parsed.error, raw) });
      return;
    }
    const ts = parsed.data.ts;
    const problem = check(parsed.data, ts, options);
    if (problem !== undefined) verdict.errors.push({ index, message: problem });
    else verdict.rows.push(toRow(parsed.data, ts ?? nowMicros));
  });
  return verdict;
}
