// The reference routes over real HTTP on the real embedded store (test/helpers/drift-api.ts):
// a CSV or JSON lines baseline profiled in the engine (checked against numpy-style figures),
// upload errors, a pinned window, the listing, and a monitor judging against an uploaded
// training set.
import { exactQuantiles, QUANTILE_LEVELS } from '../../../src/drift/profile';
import type { ReportJson } from '../../../src/drift/report-json';
import { loadReferenceProfile } from '../../../src/store/repositories/reference-profiles';
import {
  type DriftApi,
  errorOf,
  H,
  iso,
  READ,
  START,
  startDriftApi,
} from '../../helpers/drift-api';

let api: DriftApi;
beforeAll(async () => {
  api = await startDriftApi('drift_references_api');
}, 60_000);
afterAll(async () => {
  await api.close();
});
const call: DriftApi['call'] = (...args) => api.call(...args);
const postJson: DriftApi['postJson'] = (...args) => api.postJson(...args);
const get: DriftApi['get'] = (...args) => api.get(...args);
const error = errorOf;

// The rows of hours [from, to) as the file a training pipeline would export.
async function exportCsv(fromHour: number, toHour: number): Promise<string> {
  const rows = await api.store.query<{ input_tokens: number; lang: string; request_type: string }>({
    tag: 'test.export',
    sql: `SELECT input_tokens, features_cat['lang'] AS lang, request_type
          FROM {db:Identifier}.inference_requests
          WHERE ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND ts < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
          ORDER BY ts`,
    params: { from: START + fromHour * H, to: START + toHour * H },
  });
  return `input_tokens,lang,request_type\n${rows.map((r) => `${r.input_tokens},${r.lang},${r.request_type}`).join('\n')}\n`;
}

describe('POST /api/v1/references', () => {
  const small = [
    [3.5, 'a'],
    [1, 'b'],
    [2, 'a'],
    [10, ''],
    [-4.25, 'c'],
    [7, 'a'],
  ] as const;

  it('profiles a CSV in the engine: n, mean, std, min, max and quantiles as numpy computes them', async () => {
    const csv = `x,label,<script>\n${small.map(([x, l], i) => `${x},${l},${i}`).join('\n')}\n`;
    const res = await call(
      'POST',
      '/api/v1/references?model=newmodel&id=small&description=six+rows',
      {
        body: csv,
        type: 'text/csv',
      },
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      profile_id: 'small',
      model: 'newmodel',
      source: 'upload',
      description: 'six rows',
      features: [
        { feature: '<script>', kind: 'numeric', n: 6 },
        { feature: 'label', kind: 'categorical', n: 5 },
        { feature: 'x', kind: 'numeric', n: 6 },
      ],
    });
    const stored = await loadReferenceProfile(api.store, 'newmodel', 'small');
    const x = stored?.features.find((f) => f.feature === 'x');
    const values = small.map(([v]) => v as number);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    const sorted = [...values].sort((a, b) => a - b);
    expect(x).toMatchObject({ kind: 'numeric', n: 6, min: -4.25, max: 10, sample: sorted });
    if (x?.kind !== 'numeric') throw new Error('x is not numeric');
    expect(x.mean).toBeCloseTo(mean, 12);
    expect(x.std).toBeCloseTo(std, 12);
    // numpy.quantile(values, levels) (linear): exact, since every value is kept.
    expect(x.quantiles).toEqual(exactQuantiles(sorted));
    expect(x.quantiles[500]).toBeCloseTo(2.75, 12);
    expect(x.counts.reduce((a, b) => a + b, 0)).toBe(6);
    // The empty cell is no value; the text column is counted per value.
    expect(stored?.features.find((f) => f.feature === 'label')).toMatchObject({
      kind: 'categorical',
      categories: { a: 3, b: 1, c: 1 },
    });
    expect(stored?.origin).toMatchObject({ source: 'upload', description: 'six rows' });
  });

  it('profiles JSON lines: 5,000 values, quantiles within t-digest tolerance, mean exact', async () => {
    // A lognormal-ish spread: exp of a deterministic pseudo-normal.
    const values = Array.from({ length: 5000 }, (_, i) => {
      const u = ((i * 7919) % 5000) / 5000 + 0.0001;
      const w = ((i * 104729) % 4999) / 4999 + 0.0001;
      return (
        Math.round(
          Math.exp(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w) * 0.5 + 3) * 1000,
        ) / 1000
      );
    });
    const body = values
      .map((v, i) => JSON.stringify({ latency: v, tier: i % 3 === 0 ? 'gold' : 'free' }))
      .join('\n');
    const res = await call('POST', '/api/v1/references?model=newmodel&id=big', {
      body,
      type: 'application/x-ndjson',
    });
    expect(res.status).toBe(201);
    const stored = await loadReferenceProfile(api.store, 'newmodel', 'big');
    const latency = stored?.features.find((f) => f.feature === 'latency');
    if (latency?.kind !== 'numeric') throw new Error('latency is not numeric');
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(latency).toMatchObject({ n: 5000, min: sorted[0], max: sorted[4999], sample: [] });
    expect(latency.mean).toBeCloseTo(mean, 9);
    const numpy = exactQuantiles(sorted);
    const range = (sorted[4999] as number) - (sorted[0] as number);
    // t-digest: within 1 % of the range on interior levels (a rank error well under 1 %).
    const off = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]
      .map((level) => {
        const i = Math.round(level * 1000);
        return [level, Math.abs((latency.quantiles[i] as number) - (numpy[i] as number)) / range];
      })
      .filter(([, error]) => (error as number) >= 0.01);
    expect(off).toEqual([]);
    expect(latency.quantiles).toHaveLength(QUANTILE_LEVELS.length);
    expect(latency.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(5000, 6);
    expect(stored?.features.find((f) => f.feature === 'tier')).toMatchObject({
      categories: { gold: 1667, free: 3333 },
    });
  });

  it.each([
    ['an empty file', '', 'text/csv', 400, /^the uploaded file is empty$/],
    ['a CSV without a header row', '1,2\n3,4\n', 'text/csv', 400, /no header row/],
    [
      'a column neither numeric nor text',
      '{"a":1,"b":[1,2]}\n',
      'application/x-ndjson',
      400,
      /column "b" \(Array\(Nullable\(Int64\)\)\) is neither numeric nor text/,
    ],
    [
      'an unreadable line',
      '{"a":1}\n{"a":\n',
      'application/x-ndjson',
      400,
      /^cannot read the JSON lines upload: /,
    ],
    ['a ragged CSV', 'a,b\n1,2\n"x,3\n', 'text/csv', 400, /^cannot read the CSV upload: /],
    ['another content type', 'a\n1\n', 'text/plain', 415, /expected text\/csv/],
  ])('refuses %s', async (_what, body, type, status, message) => {
    const e = await error(
      await call('POST', '/api/v1/references?model=m&id=bad', { body, type }),
      status,
    );
    expect(e.message).toMatch(message);
  });

  it('profiles columns whose names hold a backslash, a backquote or quotes', async () => {
    const names = ['back\\slash', 'back`quote', 'dou"ble', "sin'gle"];
    const header = names.map((n) => `"${n.replaceAll('"', '""')}"`).join(',');
    const res = await call('POST', '/api/v1/references?model=odd&id=names', {
      body: `${header}\n1,a,2,b\n3,c,4,d\n`,
      type: 'text/csv',
    });
    expect(res.status).toBe(201);
    const stored = await loadReferenceProfile(api.store, 'odd', 'names');
    expect(stored?.features.map((f) => [f.feature, f.kind, f.n])).toEqual(
      [
        ['back\\slash', 'numeric', 2],
        ['back`quote', 'categorical', 2],
        ['dou"ble', 'numeric', 2],
        ["sin'gle", 'categorical', 2],
      ].sort(),
    );
  });

  it('a second upload under the same id replaces the profile: no feature of the first is left', async () => {
    const upload = (csv: string) =>
      call('POST', '/api/v1/references?model=replaced&id=training', {
        body: csv,
        type: 'text/csv',
      });
    expect((await upload('a,b\n1,x\n2,y\n')).status).toBe(201);
    // The test clock stands still: both writes happen in the same millisecond.
    expect((await upload('c\n3\n4\n')).status).toBe(201);
    const stored = await loadReferenceProfile(api.store, 'replaced', 'training');
    expect(stored?.features.map((f) => f.feature)).toEqual(['c']);
    const listed = (await (await get('/api/v1/references?model=replaced')).json()) as {
      references: { profile_id: string; features: number }[];
    };
    expect(listed.references).toEqual([
      expect.objectContaining({ profile_id: 'training', features: 1 }),
    ]);
  });

  it('refuses a body over the limit (413), a missing model and a bad id (400), a read token (403)', async () => {
    const big = `a\n${'1\n'.repeat(600_000)}`;
    expect(
      (
        await error(
          await call('POST', '/api/v1/references?model=m', { body: big, type: 'text/csv' }),
          413,
        )
      ).code,
    ).toBe('payload_too_large');
    expect(
      (
        await error(
          await call('POST', '/api/v1/references', { body: 'a\n1\n', type: 'text/csv' }),
          400,
        )
      ).message,
    ).toMatch(/^model: /);
    expect(
      (
        await error(
          await call('POST', '/api/v1/references?model=m&id=a/b', {
            body: 'a\n1\n',
            type: 'text/csv',
          }),
          400,
        )
      ).message,
    ).toMatch(/^id: expected an id/);
    await error(
      await call('POST', '/api/v1/references?model=m', {
        body: 'a\n1\n',
        type: 'text/csv',
        token: READ,
      }),
      403,
    );
    await error(
      await postJson(
        '/api/v1/references',
        { model: 'm', from: iso(START), to: iso(START + H) },
        READ,
      ),
      403,
    );
  });

  it('pins a window of the model’s requests under its id (default window_<from>_<to>)', async () => {
    const res = await postJson('/api/v1/references', {
      model: 'chimera',
      from: iso(START),
      to: iso(START + H),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      profile_id: `window_${START}_${START + H}`,
      source: 'window',
      window: { from: iso(START), to: iso(START + H) },
      features: [
        { feature: '<script>', kind: 'numeric', n: 2000 },
        { feature: 'input_tokens', kind: 'numeric', n: 2000 },
        { feature: 'lang', kind: 'categorical', n: 2000 },
        { feature: 'request_type', kind: 'categorical', n: 2000 },
      ],
    });
    const named = await postJson('/api/v1/references', {
      model: 'chimera',
      id: 'first-hour',
      from: iso(START),
      to: iso(START + H),
      description: 'launch day',
    });
    expect(await named.json()).toMatchObject({
      profile_id: 'first-hour',
      description: 'launch day',
    });
    const empty = await error(
      await postJson('/api/v1/references', {
        model: 'chimera',
        from: iso(START + 10 * H),
        to: iso(START + 11 * H),
      }),
      400,
    );
    expect(empty.message).toContain('no feature values');
    const backwards = await error(
      await postJson('/api/v1/references', {
        model: 'chimera',
        from: iso(START + H),
        to: iso(START),
      }),
      400,
    );
    expect(backwards.message).toMatch(/from before to/);
  });

  it('a monitor with reference {profile: ID} judges against the uploaded training set', async () => {
    const upload = await call(
      'POST',
      '/api/v1/references?model=chimera&id=training&description=training+set',
      {
        body: await exportCsv(0, 2),
        type: 'text/csv',
      },
    );
    expect(upload.status).toBe(201);
    const run = async (hour: number) => {
      const res = await postJson('/api/v1/drift/run', {
        model: 'chimera',
        monitor: 'trained',
        window: { from: iso(START + hour * H), to: iso(START + (hour + 1) * H) },
      });
      expect(res.status).toBe(201);
      return (await res.json()) as ReportJson;
    };
    const shifted = await run(3);
    expect(shifted.reference).toEqual({ profile_id: 'training', description: 'training set' });
    const status = Object.fromEntries(shifted.features.map((f) => [f.feature, f.status]));
    // <script> is not in the training file: no reference, insufficient data.
    expect(status).toEqual({
      '<script>': 'insufficient_data',
      input_tokens: 'drifted',
      lang: 'drifted',
      request_type: 'ok',
    });
    expect(shifted.features.find((f) => f.feature === 'input_tokens')?.reference_n).toBe(4000);
    const steady = await run(1);
    expect(steady.features.filter((f) => f.status === 'drifted')).toEqual([]);
    const listing = (await (await get('/api/v1/references?model=chimera')).json()) as {
      references: { profile_id: string; source: string; features: number }[];
    };
    expect(listing.references.find((r) => r.profile_id === 'training')).toMatchObject({
      source: 'upload',
      features: 3,
    });
  });
});
