// fast-check arbitraries of hostile reference uploads (POST /api/v1/references): generated CSV and
// JSON lines files (odd names and cells, ragged rows, quotes, newlines, nested values, too many
// columns), their bytes mutated, JSON pin bodies of the wrong types, odd query strings, wrong
// content types and encodings, gzip bombs.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { type ApiCase, described } from './fuzz-api';
import { gzipBomb } from './fuzz-shapes';
import { reliabilitySize } from './reliability';

const cell = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer().map(String),
  fc.constantFrom(
    '',
    'nan',
    'inf',
    '-inf',
    'true',
    'NULL',
    '\\N',
    '2026-11-28',
    '1e400',
    '"',
    '""',
    'a,b',
    'x\ny',
    '😀',
    '\u0000',
  ),
  fc.string({ maxLength: 12 }),
);

const columnName = fc.oneof(
  fc.constantFrom(
    'x',
    'lang',
    'tokens',
    '<script>',
    'a b',
    '',
    '1',
    'x.y',
    '`',
    '"q"',
    'é',
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 10 }),
);

// Quoted as CSV asks for, or raw (what a careless exporter writes).
const csvField = (text: string, quote: boolean) =>
  quote ? `"${text.replaceAll('"', '""')}"` : text;

// Rows as long as the header (numbers mostly) or ragged, cells quoted or raw.
const csv = fc
  .array(columnName, { minLength: 1, maxLength: 8 })
  .chain((names) =>
    fc.tuple(
      fc.constant(names),
      fc.array(
        fc.oneof(
          {
            arbitrary: fc.array(
              fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), cell),
              { minLength: names.length, maxLength: names.length },
            ),
            weight: 4,
          },
          { arbitrary: fc.array(cell, { maxLength: 9 }), weight: 1 },
        ),
        { maxLength: 40 },
      ),
      fc.boolean(),
    ),
  )
  .map(([names, rows, quote]) =>
    [names, ...rows].map((row) => row.map((v) => csvField(v, quote)).join(',')).join('\n'),
  );

const wideCsv = fc.integer({ min: 900, max: reliabilitySize(1_100, 3_000) }).map((n) => {
  const names = Array.from({ length: n }, (_, i) => `c${i}`);
  return `${names.join(',')}\n${names.map((_, i) => i).join(',')}\n`;
});

// Rows over one set of keys (as an exporter writes them), values of any JSON type.
const jsonl = fc
  .array(columnName, { minLength: 1, maxLength: 6 })
  .chain((keys) =>
    fc
      .array(
        fc.tuple(
          ...keys.map(() =>
            fc.oneof(
              { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 3 },
              { arbitrary: cell, weight: 2 },
              { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
            ),
          ),
        ),
        { maxLength: 40 },
      )
      .map((rows) =>
        rows
          .map((values) => JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, values[i]]))))
          .join('\n'),
      ),
  );

const mutateBytes = (text: string) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
    )
    .map(([edits, cut]) => {
      const bytes = Buffer.from(text);
      for (const [at, byte] of edits) if (bytes.length > 0) bytes[at % bytes.length] = byte;
      return bytes.subarray(0, bytes.length - (cut % 3));
    });

const hostileQuery = fc
  .record(
    {
      model: fc.oneof(fc.constantFrom('fuzz-ref', '', 'm'.repeat(4_000), 'ö/../x'), fc.string()),
      id: fc.oneof(fc.constantFrom('base', 'a:b.c-d_e', '-bad', 'x'.repeat(129), ''), fc.string()),
      description: fc.string(),
      extra: fc.string(),
    },
    { requiredKeys: [] },
  )
  .chain((q) =>
    fc.boolean().map((twice) => {
      const params = new URLSearchParams(q as Record<string, string>);
      if (twice && q.model !== undefined) params.append('model', q.model);
      return `/api/v1/references?${params.toString()}`;
    }),
  );

// Mostly a query the route accepts, so the file itself is what gets judged.
const query = fc.oneof(
  { arbitrary: fc.nat(9).map((i) => `/api/v1/references?model=fuzz-ref&id=fuzz-${i}`), weight: 4 },
  { arbitrary: hostileQuery, weight: 1 },
);

const CSV_TYPES = [
  'text/csv',
  'application/csv',
  'text/csv; charset=utf-8',
  'text/csv; charset=utf-16',
  'TEXT/CSV',
];
const JSONL_TYPES = [
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/json-lines',
];
const OTHER_TYPES = [
  undefined,
  'text/plain',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/xml',
];

// A pin body: {model, from, to} with values of every type.
const pin = fc
  .record(
    {
      model: fc.oneof(fc.constant('fuzz-ref'), fc.anything({ maxDepth: 1 })),
      from: fc.oneof(
        fc.constantFrom('2026-11-27T00:00:00Z', 0, -1, 'yesterday', 1e20),
        fc.anything({ maxDepth: 1 }),
      ),
      to: fc.oneof(
        fc.constantFrom('2026-11-28T00:00:00Z', Date.now(), '2026-13-40T99:00:00Z'),
        fc.anything({ maxDepth: 1 }),
      ),
      id: fc.oneof(fc.constant('pinned'), fc.anything({ maxDepth: 1 })),
      description: fc.anything({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  )
  .map((body) => Buffer.from(JSON.stringify(body)));

/** Returns the arbitrary of hostile reference uploads. */
export function referenceCase(): fc.Arbitrary<ApiCase> {
  const file = (family: string, types: string[], text: fc.Arbitrary<string>) =>
    fc
      .tuple(
        query,
        fc.constantFrom(...types),
        text.chain((t) => fc.oneof(fc.constant(Buffer.from(t)), mutateBytes(t))),
      )
      .map(
        ([path, type, body]): ApiCase => ({
          family,
          path,
          headers: { 'content-type': type },
          body,
        }),
      );
  const pins = fc.tuple(query, pin).map(
    ([path, body]): ApiCase => ({
      family: 'json pin',
      path,
      headers: { 'content-type': 'application/json' },
      body,
    }),
  );
  const wrongType = fc.tuple(query, fc.constantFrom(...OTHER_TYPES), csv).map(
    ([path, type, text]): ApiCase => ({
      family: 'content type',
      path,
      headers: type === undefined ? {} : { 'content-type': type },
      body: Buffer.from(text),
    }),
  );
  const encoded = fc
    .tuple(csv, fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'zstd'), fc.boolean())
    .map(
      ([text, encoding, compress]): ApiCase => ({
        family: 'content encoding',
        path: '/api/v1/references?model=fuzz-ref',
        headers: { 'content-type': 'text/csv', 'content-encoding': encoding },
        body: compress ? gzipSync(Buffer.from(text)) : Buffer.from(text),
      }),
    );
  const bomb = fc.integer({ min: 2, max: 64 }).map(
    (members): ApiCase => ({
      family: 'gzip bomb',
      path: '/api/v1/references?model=fuzz-ref',
      headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      body: gzipBomb(members),
    }),
  );
  return fc
    .oneof(
      { arbitrary: file('csv', CSV_TYPES, csv), weight: 8 },
      { arbitrary: file('json lines', JSONL_TYPES, jsonl), weight: 6 },
      { arbitrary: file('wide csv', ['text/csv'], wideCsv), weight: 1 },
      { arbitrary: pins, weight: 3 },
      { arbitrary: wrongType, weight: 2 },
      { arbitrary: encoded, weight: 1 },
      { arbitrary: bomb, weight: 1 },
    )
    .map(described);
}
