// Admission decisions: the record outcome of each refusal, and a request larger than the queue.
import { AppError } from '../../../src/errors';
import { checkCapacity, outcomeOf } from '../../../src/sidecar/admission';
import { ModelPool } from '../../../src/sidecar/model-pool';
import { parseSidecarFile } from '../../../src/sidecar/server-config';
import { gatedBackend } from '../../helpers/sidecar';

describe('outcomeOf', () => {
  it.each([
    ['invalid_body', 400, 'invalid_request'],
    ['invalid_header', 400, 'invalid_request'],
    ['payload_too_large', 413, 'invalid_request'],
    ['models_busy', 503, 'queue_full'],
    ['batch_failed', 502, 'backend_error'],
    ['rate_limited', 429, 'rate_limited'],
    ['queue_full', 503, 'queue_full'],
  ])('%s (%d) is recorded as %s', (code, status, outcome) => {
    expect(outcomeOf(new AppError(code, status, 'x'))).toBe(outcome);
  });
});

describe('checkCapacity', () => {
  const { defaults } = parseSidecarFile({ defaults: { max_queue_size: 4 } }, 'test');
  const runtime = new ModelPool(gatedBackend(), {}, defaults).get('m');

  it.each([
    [4, undefined],
    [5, 413],
    [256, 413],
  ])('%d prompts into an empty queue of 4 → %s', (joining, status) => {
    const check = () => checkCapacity(runtime, joining, 30_000);
    if (status === undefined) expect(check).not.toThrow();
    else
      expect(check).toThrow(
        expect.objectContaining({
          status,
          code: 'payload_too_large',
          message: expect.stringMatching(new RegExp(`^${joining} prompts .* max_queue_size 4 `)),
        }),
      );
  });
});
