// Field schemas of the `slos:` YAML section, each with a message that says what was expected and
// what was given. spec.ts assembles them into one SLO.
import { z } from 'zod';
import { durationBucketKey, isExactDurationThreshold } from '../store/rollup-buckets';

/** Renders a value for an error message: `got 1.5`, `got "x"`, `got nothing`. */
export function got(input: unknown): string {
  return input === undefined ? 'got nothing' : `got ${JSON.stringify(input)}`;
}

/** A strict mapping whose unknown keys and wrong types are reported with the keys it expects. */
export function mapping<S extends z.ZodRawShape>(shape: S, what = 'a mapping') {
  const keys = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; expected ${keys}`
        : `expected ${what} with ${keys}, ${got(iss.input)}`,
  });
}

/** One of a fixed list of strings. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (iss) => `expected one of ${values.join(', ')}, ${got(iss.input)}`,
  });
}

/** A finite number; `what` completes "expected …". */
export function finiteNumber(what = 'a number') {
  return z.number({ error: (iss) => `expected ${what}, ${got(iss.input)}` });
}

/** A whole number from min to max. */
export function wholeNumber(min: number, max: number, what: string) {
  const message = (iss: { input?: unknown }) =>
    `expected ${what}, a whole number from ${min} to ${max}, ${got(iss.input)}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

/** A non-empty string without surrounding whitespace. */
export function nonEmptyString(what: string) {
  const message = (iss: { input?: unknown }) => `expected ${what}, ${got(iss.input)}`;
  return z
    .string({ error: message })
    .min(1, { error: message })
    .refine((s) => s.trim() === s, { error: message });
}

/** Names of SLOs: identifier-like, so they are safe as metric labels and in URLs. */
export const SLO_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;

export const sloName = z.string({ error: (iss) => nameMessage(iss.input) }).regex(SLO_NAME, {
  error: (iss) => nameMessage(iss.input),
});

function nameMessage(input: unknown): string {
  return `expected a name: a letter, then letters, digits, "_" or "-", at most 63 characters, ${got(input)}`;
}

function objectiveMessage(input: unknown): string {
  const hint =
    typeof input === 'number' && input >= 50 && input < 100
      ? ` (${input} % is written ${Number((input / 100).toFixed(12))})`
      : '';
  return `expected a number between 0 and 1 (exclusive), ${got(input)}${hint}`;
}

/** The objective: a share of good events or slices, strictly between 0 and 1. */
export const objective = z
  .number({ error: (iss) => objectiveMessage(iss.input) })
  .gt(0, { error: (iss) => objectiveMessage(iss.input) })
  .lt(1, { error: (iss) => objectiveMessage(iss.input) });

/** The exact histogram bounds around `ms`: the largest at or below and the smallest at or above. */
export function nearestExactBounds(ms: number): { below: number; above: number } {
  const us = Math.round(ms * 1000);
  const step = 10 ** Math.max(String(us).length - 2, 0);
  return { below: (Math.floor(us / step) * step) / 1000, above: durationBucketKey(ms) / 1000 };
}

/**
 * A latency threshold in ms: positive, whole microseconds, and a bound of the rollup histograms
 * (two significant digits in µs), so the good count is exact rather than off by up to a bucket.
 */
export const durationThreshold = z
  .number({ error: (iss) => `expected a duration in milliseconds, ${got(iss.input)}` })
  .gt(0, { error: (iss) => `expected a duration in milliseconds above 0, ${got(iss.input)}` })
  .superRefine((ms, ctx) => {
    if (isExactDurationThreshold(ms) && isWholeMicroseconds(ms)) return;
    const { below, above } = nearestExactBounds(ms);
    const choice = below > 0 && below !== above ? `${below} or ${above}` : `${above}`;
    ctx.addIssue({
      code: 'custom',
      input: ms,
      message: `${ms} ms is not an exact bound of the rollup histograms (durations are kept to two significant digits in microseconds); use ${choice}`,
    });
  });

function isWholeMicroseconds(ms: number): boolean {
  return Math.abs(ms * 1000 - Math.round(ms * 1000)) < 1e-6;
}

/** A score threshold with at most three decimals (the score histograms' resolution). */
export const scoreThreshold = z
  .number({ error: (iss) => `expected a score threshold, ${got(iss.input)}` })
  .refine((t) => Math.abs(t * 1000 - Math.round(t * 1000)) < 1e-6, {
    error: (iss) =>
      `expected a score threshold with at most 3 decimals (scores are kept to 0.001 in the rollups), ${got(iss.input)}`,
  });

/** A score name as evaluators send it (accuracy, coherence, any). */
export const scoreName = nonEmptyString('a score name such as accuracy or coherence');
