// Silences with Alertmanager's semantics: a silence is active from startsAt (inclusive) until
// endsAt (exclusive) and mutes an alert when every one of its matchers matches the alert's
// labels. A label the alert lacks reads as the empty string; regexes are anchored (^(?:re)$).
// Regexes are JavaScript's, not Go's RE2: the common syntax is the same, lookarounds are not.
// Pure: `now` is passed in; storage and routes live elsewhere.
import { z } from 'zod';
import { formatIssues } from '../config/issues';
import { AppError } from '../errors';

/** One matcher: `name` equals (or not) `value`, literally or as an anchored regex. */
export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

/** A silence as stored and matched. */
export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/** The body of `POST /api/v1/silences`: a new silence, or an update when `id` is given. */
export type SilenceBody = Omit<Silence, 'id'> & { id?: string };

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, `expected ${what}`);

const timestamp = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2026-11-28T08:00:00Z' })
  .transform((text) => new Date(text));

/** One matcher of a silence body; isRegex defaults to false, isEqual to true. */
export const matcherSchema = z
  .strictObject({
    name: z
      .string({ error: 'expected a label name (slo, model, severity or another label)' })
      .regex(LABEL_NAME, 'expected a label name: letters, digits and _, not starting with a digit'),
    value: z.string({ error: 'expected a string' }),
    isRegex: z.boolean({ error: 'expected true or false' }).default(false),
    isEqual: z.boolean({ error: 'expected true or false' }).default(true),
  })
  .superRefine((m, ctx) => {
    if (m.isRegex && !compiles(m.value))
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'expected a valid regular expression',
      });
  });

/** The body of POST /api/v1/silences, with Alertmanager's checks beside the field types. */
export const silenceBodySchema = z
  .strictObject({
    id: nonEmpty('a silence id').optional(),
    matchers: z
      .array(matcherSchema, { error: 'expected a list of matchers' })
      .min(1, 'expected at least one matcher'),
    startsAt: timestamp,
    endsAt: timestamp,
    createdBy: nonEmpty('who creates the silence'),
    comment: nonEmpty('a comment saying why'),
  })
  .superRefine((s, ctx) => {
    // zod runs this refinement even when a field failed; judge only what parsed.
    const { startsAt, endsAt } = s as { startsAt: unknown; endsAt: unknown };
    if (startsAt instanceof Date && endsAt instanceof Date && endsAt <= startsAt)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    // Alertmanager's rule: a silence whose matchers all match an empty label set would mute
    // every alert there is.
    const matchers = Array.isArray(s.matchers) ? s.matchers : [];
    const judged = matchers.every(
      (m) => typeof m.value === 'string' && (!m.isRegex || compiles(m.value)),
    );
    if (matchers.length > 0 && judged && matchers.every((m) => matcherMatches(m, '')))
      ctx.addIssue({
        code: 'custom',
        path: ['matchers'],
        message:
          'at least one matcher must not match the empty string (it would silence everything)',
      });
  });

/**
 * Returns the silence a POST body asks for, or throws a 400 AppError naming every bad field;
 * an end time already past at `now` is refused (it would silence nothing).
 */
export function parseSilenceBody(raw: unknown, now: Date): SilenceBody {
  const result = silenceBodySchema.safeParse(raw);
  if (!result.success)
    throw new AppError('invalid_silence', 400, formatIssues(result.error).join('; '));
  if (result.data.endsAt.getTime() <= now.getTime())
    throw new AppError('invalid_silence', 400, 'endsAt: must be in the future');
  return result.data;
}

/** Decides whether one matcher matches a label value (the empty string when the label is absent). */
export function matcherMatches(matcher: Matcher, value: string): boolean {
  const hit = matcher.isRegex
    ? new RegExp(`^(?:${matcher.value})$`).test(value)
    : value === matcher.value;
  return hit === matcher.isEqual;
}

/** Decides whether a silence is in effect at `now`: startsAt <= now < endsAt. */
export function isActive(silence: Silence, now: Date): boolean {
  const t = now.getTime();
  return silence.startsAt.getTime() <= t && t < silence.endsAt.getTime();
}

/** Returns the ids of the silences active at `now` that mute an alert with these labels. */
export function silencedBy(
  labels: Readonly<Record<string, string>>,
  silences: readonly Silence[],
  now: Date,
): string[] {
  return silences
    .filter(
      (s) => isActive(s, now) && s.matchers.every((m) => matcherMatches(m, labels[m.name] ?? '')),
    )
    .map((s) => s.id);
}

/** Decides whether any silence active at `now` mutes an alert with these labels. */
export function isSilenced(
  labels: Readonly<Record<string, string>>,
  silences: readonly Silence[],
  now: Date,
): boolean {
  return silencedBy(labels, silences, now).length > 0;
}
