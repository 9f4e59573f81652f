// Fuzzing the API's write routes (in process, real embedded store, real group-commit writer):
// POST /api/v1/feedback and POST /api/v1/references (CSV, JSON lines, JSON pin). Every answer is
// a success, 400, 413 or 415; errors are {"error":{"code","message"}} with a message; nothing
// escapes the process; what the answer accepts is what the store holds.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { loadReferenceProfile } from '../../src/store/repositories/reference-profiles';
import { type ApiCase, feedbackCase, feedbackItem } from '../helpers/fuzz-api';
import { referenceCase } from '../helpers/fuzz-references';
import { type FuzzTargets, fuzzSeed, StatusTally, startFuzzTargets } from '../helpers/fuzz-targets';
import { reliabilitySize } from '../helpers/reliability';

const FEEDBACK_RUNS = reliabilitySize(220, 2_000);
const PARTIAL_RUNS = reliabilitySize(15, 500);
const REFERENCE_RUNS = reliabilitySize(60, 2_000);
const seed = fuzzSeed();
const tally = new StatusTally();

let t: FuzzTargets;
beforeAll(async () => {
  t = await startFuzzTargets('fuzz_api');
}, 60_000);
afterAll(async () => {
  console.log(`fuzz-api seed ${seed} (FUZZ_SEED=${seed} repeats it)\n${tally.lines().join('\n')}`);
  await t?.close();
});

interface Reply {
  status: number;
  json: unknown;
  text: string;
}

async function send(c: ApiCase, target: string): Promise<Reply> {
  const response = await fetch(`${t.api}${c.path}`, {
    method: 'POST',
    headers: c.headers,
    body: c.body,
  });
  const text = await response.text();
  tally.add(`${target} ${c.family}`, response.status);
  tally.add(`${target} (all)`, response.status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

// The documented error shape with a message; fails with the answer quoted.
function expectError(reply: Reply, allowed: number[]): void {
  if (!allowed.includes(reply.status))
    throw new Error(`answered ${reply.status}: ${reply.text.slice(0, 300)}`);
  const error = (reply.json as { error?: { code?: unknown; message?: unknown } } | undefined)
    ?.error;
  expect(typeof error?.code).toBe('string');
  expect(String(error?.message ?? '').trim()).not.toBe('');
}

describe('fuzzing POST /api/v1/feedback', () => {
  it(`answers ${FEEDBACK_RUNS} hostile bodies with 200, 400, 413 or 415, errors in the documented shape`, async () => {
    await fc.assert(
      fc.asyncProperty(feedbackCase(Date.now()), async (c) => {
        const reply = await send(c, 'feedback');
        if (reply.status === 200) {
          const body = reply.json as {
            accepted: number;
            rejected: number;
            errors: { index: number; message: string }[];
          };
          expect(body.rejected).toBe(body.errors.length);
          for (const e of body.errors) expect(e.message.trim()).not.toBe('');
        } else {
          expectError(reply, [400, 413, 415]);
        }
        expect(t.faults).toEqual([]);
      }),
      { numRuns: FEEDBACK_RUNS, seed, endOnFailure: true },
    );
  }, 900_000);

  it(`stores exactly the accepted items of ${PARTIAL_RUNS} partially bad bodies`, async () => {
    const nowMs = Date.now();
    const body = fc.constant(null).chain(() => {
      const tag = `fuzz-${randomBytes(8).toString('hex')}`;
      return fc.tuple(
        fc.constant(tag),
        fc.array(feedbackItem(nowMs, tag), { minLength: 1, maxLength: 15 }),
      );
    });
    await fc.assert(
      fc.asyncProperty(body, async ([tag, items]) => {
        const reply = await send(
          {
            family: 'partial',
            path: '/api/v1/feedback',
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify(items.map((i) => i.item))),
          },
          'feedback',
        );
        expect(reply.status).toBe(200);
        const answer = reply.json as {
          accepted: number;
          rejected: number;
          errors: { index: number }[];
        };
        expect(answer.accepted + answer.rejected).toBe(items.length);
        // Items built valid are never refused (broken ones may happen to be valid still).
        const refused = new Set(answer.errors.map((e) => e.index));
        items.forEach((item, i) => {
          if (item.valid === true) expect(refused.has(i)).toBe(false);
        });
        const rows = await t.store.query<{ trace_id: string; span_id: string }>({
          tag: 'test.fuzz.pending',
          sql: 'SELECT trace_id, span_id FROM {db:Identifier}.pending_evaluations WHERE evaluator = {tag:String} ORDER BY trace_id, span_id',
          params: { tag },
        });
        const expected = items
          .filter((_, i) => !refused.has(i))
          .map(({ item }) => ({
            trace_id: String(item.trace_id).toLowerCase(),
            span_id: String(item.span_id).toLowerCase(),
          }))
          .sort((a, b) => (a.trace_id + a.span_id < b.trace_id + b.span_id ? -1 : 1));
        expect(rows).toEqual(expected);
      }),
      { numRuns: PARTIAL_RUNS, seed, endOnFailure: true },
    );
    expect(t.faults).toEqual([]);
  }, 900_000);
});

describe('fuzzing POST /api/v1/references', () => {
  it(`answers ${REFERENCE_RUNS} hostile uploads with 201, 400, 413 or 415, and stores what it acknowledges`, async () => {
    await fc.assert(
      fc.asyncProperty(referenceCase(), async (c) => {
        const reply = await send(c, 'references');
        if (reply.status === 201) {
          const body = reply.json as {
            model: string;
            profile_id: string;
            features: { feature: string; n: number }[];
          };
          const stored = await loadReferenceProfile(t.store, body.model, body.profile_id);
          expect(stored?.features.map((f) => f.feature).sort()).toEqual(
            body.features.map((f) => f.feature).sort(),
          );
        } else {
          expectError(reply, [400, 413, 415]);
        }
        expect(t.faults).toEqual([]);
      }),
      { numRuns: REFERENCE_RUNS, seed, endOnFailure: true },
    );
  }, 900_000);
});
