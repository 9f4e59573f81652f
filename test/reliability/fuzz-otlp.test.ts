// Fuzzing the OTLP/HTTP receiver (in process, real embedded store, real group-commit writer):
// mutated, deep, huge, mistyped and compressed bodies on /v1/{traces,logs,metrics}. Every answer
// is 200, 400, 413 or 415, errors carry a google.rpc.Status with a message, nothing escapes the
// process; partially bad requests store exactly the items the answer accepts.
import fc from 'fast-check';
import type { Signal } from '../../src/ingest/otlp';
import { encodeExportRequest } from '../../src/ingest/otlp';
import { type OtlpCase, otlpCase } from '../helpers/fuzz-otlp';
import { type PartialCase, partialCase } from '../helpers/fuzz-partial';
import { type FuzzTargets, fuzzSeed, StatusTally, startFuzzTargets } from '../helpers/fuzz-targets';
import { type Answer, partialOf, post, statusOf } from '../helpers/otlp-client';
import { reliabilitySize } from '../helpers/reliability';

const RUNS = reliabilitySize(400, 10_000);
const PARTIAL_RUNS = reliabilitySize(20, 1_000);
const seed = fuzzSeed();
const tally = new StatusTally();
const PATHS: Record<Signal, string> = {
  traces: '/v1/traces',
  logs: '/v1/logs',
  metrics: '/v1/metrics',
};
const ALLOWED = [200, 400, 413, 415];

let t: FuzzTargets;
beforeAll(async () => {
  t = await startFuzzTargets('fuzz_otlp');
}, 60_000);
afterAll(async () => {
  console.log(
    `fuzz-otlp seed ${seed} (FUZZ_SEED=${seed} repeats it)\n${tally.lines().join('\n')}\nslowest: ${slowest.map((s) => `${s.ms} ms ${s.kind}`).join('; ')}`,
  );
  await t?.close();
});

// The rejected count of a 200 answer, read as its Content-Type says.
function rejectedOf(signal: Signal, answer: Answer): number {
  const type = answer.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    const body = JSON.parse(answer.body.toString('utf8')) as {
      partialSuccess?: Record<string, string>;
    };
    const field = {
      traces: 'rejectedSpans',
      logs: 'rejectedLogRecords',
      metrics: 'rejectedDataPoints',
    }[signal];
    return Number(body.partialSuccess?.[field] ?? 0);
  }
  expect(type).toBe('application/x-protobuf');
  return partialOf(signal, answer.body)?.rejected ?? 0;
}

// The slowest cases, reported (not asserted) to show where the time goes.
const slowest: { ms: number; kind: string }[] = [];

async function send(c: OtlpCase): Promise<Answer> {
  const started = Date.now();
  const answer = await post(`${t.otlp}${PATHS[c.signal]}`, c.body, c.headers);
  slowest.push({
    ms: Date.now() - started,
    kind: `${c.kind} (${c.body.length} bytes) → ${answer.status}`,
  });
  slowest.sort((a, b) => b.ms - a.ms).splice(5);
  tally.add(`otlp ${c.family}`, answer.status);
  tally.add('otlp (all)', answer.status);
  return answer;
}

function expectDocumentedAnswer(c: OtlpCase, answer: Answer): void {
  if (!ALLOWED.includes(answer.status)) {
    throw new Error(`${c.kind}: ${answer.status} ${answer.body.toString('utf8').slice(0, 300)}`);
  }
  if (answer.status === 200) {
    expect(rejectedOf(c.signal, answer)).toBeGreaterThanOrEqual(0);
  } else {
    const status = statusOf(answer);
    expect(status.code).toBeGreaterThan(0);
    expect(status.message.trim()).not.toBe('');
  }
  expect(t.faults).toEqual([]);
}

describe('fuzzing the OTLP/HTTP receiver', () => {
  it(`answers ${RUNS} hostile bodies with 200, 400, 413 or 415 and a Status message, and never fails`, async () => {
    await fc.assert(
      fc.asyncProperty(otlpCase(Date.now()), async (c) => {
        expectDocumentedAnswer(c, await send(c));
      }),
      { numRuns: RUNS, seed, endOnFailure: true },
    );
    // Still serving after all of it.
    const after = await post(`${t.otlp}/v1/traces`, Buffer.alloc(0), {
      'content-type': 'application/x-protobuf',
    });
    expect(after.status).toBe(200);
  }, 900_000);

  it(`stores exactly the accepted items of ${PARTIAL_RUNS} partially bad requests`, async () => {
    const stored = async (c: PartialCase): Promise<number> => {
      const [table, column] = {
        traces: ['inference_requests', 'trace_id'],
        logs: ['evaluations', 'model'],
        metrics: ['metric_points', 'name'],
      }[c.signal] as [string, string];
      const [row] = await t.store.query<{ n: string }>({
        tag: 'test.fuzz.count',
        sql: 'SELECT count() AS n FROM {db:Identifier}.{table:Identifier} WHERE {column:Identifier} = {tag:String}',
        params: { table, column, tag: c.tag },
      });
      return Number(row?.n);
    };
    await fc.assert(
      fc.asyncProperty(
        partialCase(Date.now()),
        fc.constantFrom<'protobuf' | 'json'>('protobuf', 'json'),
        async (c, encoding) => {
          const answer = await post(
            `${t.otlp}${PATHS[c.signal]}`,
            encodeExportRequest(c.signal, encoding, c.json),
            {
              'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
            },
          );
          tally.add(`otlp partial ${c.signal}`, answer.status);
          expect(answer.status).toBe(200);
          const rejected = rejectedOf(c.signal, answer);
          const valid = c.valid.filter(Boolean).length;
          expect(rejected).toBe(c.valid.length - valid);
          expect(await stored(c)).toBe(c.valid.length - rejected);
        },
      ),
      { numRuns: PARTIAL_RUNS, seed, endOnFailure: true },
    );
    expect(t.faults).toEqual([]);
  }, 900_000);
});
