// fast-check arbitraries of hostile requests to POST /api/v1/feedback and POST /api/v1/references
// (CSV, JSON lines, JSON pin bodies): generated items and files, mutated in type, text and bytes,
// nested 100,000 deep, huge, invalid UTF-8, compressed or bombed, under wrong content types.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { gzipBomb } from './fuzz-shapes';
import { reliabilitySize } from './reliability';

/** One request: path with query, headers, body. */
export interface ApiCase {
  family: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const hex = (digits: number) =>
  fc
    .array(fc.constantFrom(...'0123456789abcdefABCDEF'), { minLength: digits, maxLength: digits })
    .map((d) => d.join(''));

// A value no field expects.
const confusing = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', 'NaN', '1e400', [], {}, [1], { a: 1 }),
  fc.string(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.anything({ maxDepth: 2 }),
);

/** Returns the arbitrary of one feedback item, valid or not; `valid` says which. */
export function feedbackItem(nowMs: number, evaluator: string) {
  const valid = fc.record({
    trace_id: hex(32).filter((h) => /[1-9a-f]/i.test(h)),
    span_id: hex(16).filter((h) => /[1-9a-f]/i.test(h)),
    name: fc.constantFrom('accuracy', 'coherence', 'thumbs', 'résumé ✓'),
    value: fc.double({ min: 0, max: 1, noNaN: true }),
    label: fc.string({ maxLength: 40 }),
    ts: fc.integer({ min: nowMs - 86_400_000, max: nowMs }).map((ms) => new Date(ms).toISOString()),
  });
  const broken = fc.tuple(
    valid,
    fc.constantFrom('trace_id', 'span_id', 'name', 'value', 'ts'),
    fc.oneof(confusing, fc.constant(undefined)),
  );
  return fc.oneof(
    valid.map((item) => ({ item: { ...item, evaluator }, valid: true })),
    broken.map(([item, key, value]) => {
      const out: Record<string, unknown> = { ...item, evaluator };
      if (value === undefined) delete out[key];
      else out[key] = value;
      return { item: out, valid: undefined as boolean | undefined };
    }),
  );
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Returns the arbitrary of hostile feedback requests. */
export function feedbackCase(nowMs: number): fc.Arbitrary<ApiCase> {
  const path = '/api/v1/feedback';
  const items = fc.array(
    feedbackItem(nowMs, 'fuzz').map((i) => i.item),
    { maxLength: 20 },
  );
  const typed = fc
    .oneof(
      items,
      feedbackItem(nowMs, 'fuzz').map((i) => i.item),
      confusing,
    )
    .map(
      (body): ApiCase => ({
        family: 'generated',
        path,
        headers: JSON_TYPE,
        body: Buffer.from(JSON.stringify(body) ?? ''),
      }),
    );
  const mutated = fc
    .tuple(
      items,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.nat(),
    )
    .map(([list, edits, cut]): ApiCase => {
      const text = Buffer.from(JSON.stringify(list));
      for (const [at, byte] of edits) if (text.length > 0) text[at % text.length] = byte;
      return {
        family: 'mutated bytes',
        path,
        headers: JSON_TYPE,
        body: text.subarray(0, text.length - (cut % 4)),
      };
    });
  const deep = fc.integer({ min: 100, max: 100_000 }).map(
    (depth): ApiCase => ({
      family: 'deep',
      path,
      headers: JSON_TYPE,
      body: Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`),
    }),
  );
  const huge = fc
    .tuple(
      fc.integer({ min: 0, max: reliabilitySize(1, 10) * 1024 * 1024 }),
      fc.integer({ min: 0, max: reliabilitySize(2_000, 100_000) }),
    )
    .map(
      ([size, count]): ApiCase => ({
        family: 'huge',
        path,
        headers: JSON_TYPE,
        body: Buffer.from(
          JSON.stringify([
            { response_id: 'r', name: 'x'.repeat(size), value: 1 },
            ...Array(count).fill({
              response_id: 'r',
              name: 'n',
              label: 'l',
              evaluator: 'fuzz-huge',
            }),
          ]),
        ),
      }),
    );
  const headers = fc
    .tuple(
      items,
      fc.constantFrom(
        undefined,
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'application/octet-stream',
      ),
      fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'identity', 'zstd')),
      fc.boolean(),
    )
    .map(([list, type, encoding, compress]): ApiCase => {
      const plain = Buffer.from(JSON.stringify(list));
      return {
        family: 'content type and encoding',
        path,
        headers: {
          ...(type === undefined ? {} : { 'content-type': type }),
          ...(encoding === null ? {} : { 'content-encoding': encoding }),
        },
        body: compress ? gzipSync(plain) : plain,
      };
    });
  const bomb = fc.integer({ min: 2, max: 64 }).map(
    (members): ApiCase => ({
      family: 'gzip bomb',
      path,
      headers: { ...JSON_TYPE, 'content-encoding': 'gzip' },
      body: gzipBomb(members),
    }),
  );
  return fc
    .oneof(
      { arbitrary: typed, weight: 8 },
      { arbitrary: mutated, weight: 6 },
      { arbitrary: headers, weight: 3 },
      { arbitrary: deep, weight: 1 },
      { arbitrary: huge, weight: 1 },
      { arbitrary: bomb, weight: 1 },
    )
    .map(described);
}

/** Returns `c` printed by fast-check as its family, path, headers and size (not its bytes). */
export function described(c: ApiCase): ApiCase {
  return Object.assign({}, c, {
    [fc.toStringMethod]: () =>
      `${c.family} ${c.path} ${JSON.stringify(c.headers)} ${JSON.stringify(c.body.subarray(0, 200).toString('latin1'))} (${c.body.length} bytes)`,
  });
}
