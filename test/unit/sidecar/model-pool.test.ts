// ModelPool: a lookup that makes no batcher, batchers made on use, and without a models: list the
// bound on them kept by dropping the least recently used idle batcher (never a busy one).
import { AppError } from '../../../src/errors';
import { ModelPool } from '../../../src/sidecar/model-pool';
import { parseSidecarFile } from '../../../src/sidecar/server-config';
import { gatedBackend } from '../../helpers/sidecar';

const { defaults } = parseSidecarFile({}, 'test');
const request = (model: string) => ({
  request: { model, prompt: 'p', maxTokens: 1, inputTokens: 1 },
});

function lazyPool(bound: number) {
  const backend = gatedBackend();
  const pool = new ModelPool(backend, {}, defaults, () => {}, bound);
  const evicted: string[] = [];
  pool.onEvict((model) => evicted.push(model));
  return { pool, backend, evicted };
}

describe('ModelPool.info', () => {
  it('answers any name without a models: list, making no batcher', () => {
    const { pool } = lazyPool(2);
    for (let i = 0; i < 10; i++) expect(pool.info(`junk-${i}`).options).toBe(defaults);
    expect(pool.all()).toEqual([]);
    expect(pool.has('junk-0')).toBe(false);
  });

  it('is a 404 for a model not in the models: list', () => {
    const pool = new ModelPool(gatedBackend(), { m: defaults }, defaults);
    expect(pool.info('m').name).toBe('m');
    expect(() => pool.info('other')).toThrow(
      expect.objectContaining({ code: 'model_not_found', status: 404 }),
    );
  });
});

describe('ModelPool.get without a models: list', () => {
  it('past the bound drops the least recently used idle batcher, so a new model is still served', async () => {
    const { pool, backend, evicted } = lazyPool(2);
    const a = pool.get('a');
    const b = pool.get('b');
    expect(pool.get('a')).toBe(a); // a is now the most recently used
    pool.get('c');
    expect(evicted).toEqual(['b']);
    expect(pool.all().map((r) => r.name)).toEqual(['a', 'c']);
    // A later request for b makes a new batcher; one that held the dropped one is still served.
    expect(pool.get('b')).not.toBe(b);
    backend.release();
    await expect(b.batcher.submit(request('b'))).resolves.toMatchObject({
      value: { text: 'echo:p' },
    });
    expect(evicted).toEqual(['b', 'a']);
  });

  it('never drops a batcher with a request queued or running; 503 when every one is busy', async () => {
    const { pool, backend, evicted } = lazyPool(2);
    const running = pool.get('a').batcher.submit(request('a'));
    const queued = pool.get('b').batcher.submit(request('b'));
    let refused: unknown;
    try {
      pool.get('c');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'models_busy', status: 503, retryAfterSeconds: 1 });
    expect(evicted).toEqual([]);
    backend.release();
    await Promise.all([running, queued]);
    expect(pool.get('c').name).toBe('c');
    expect(evicted).toEqual(['a']);
  });
});

describe('ModelPool.get with a models: list', () => {
  it('makes every listed batcher up front and never drops one, however many names are asked', () => {
    const pool = new ModelPool(
      gatedBackend(),
      { m1: defaults, m2: defaults },
      defaults,
      () => {},
      1,
    );
    for (let i = 0; i < 5; i++) expect(() => pool.get(`junk-${i}`)).toThrow(/not served here/);
    expect(pool.all().map((r) => r.name)).toEqual(['m1', 'm2']);
    expect(pool.get('m2').name).toBe('m2');
  });
});
