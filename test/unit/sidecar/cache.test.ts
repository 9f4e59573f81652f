import {
  cacheKey,
  defaultSizeOf,
  IGNORED_REQUEST_FIELDS,
  normaliseRequest,
  ResponseCache,
} from '../../../src/sidecar/cache';

const request = (prompt: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user', content: prompt }],
  temperature: 0,
  max_tokens: 16,
  ...extra,
});

const newCache = (maxEntries = 100, maxBytes = 1_000_000) =>
  new ResponseCache<string>({ maxEntries, maxBytes });

describe('normaliseRequest', () => {
  it('sorts keys at every depth', () => {
    expect(normaliseRequest({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 3 } })).toBe(
      normaliseRequest({ a: { c: 3, d: [{ x: 2, y: 1 }] }, b: 1 }),
    );
    expect(normaliseRequest({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it.each(IGNORED_REQUEST_FIELDS.map((field) => [field]))(
    'drops the top-level field %s',
    (field) => {
      expect(normaliseRequest({ ...request('hi'), [field]: 'anything' })).toBe(
        normaliseRequest(request('hi')),
      );
    },
  );

  it.each([
    ['temperature', { temperature: 0.7 }],
    ['top_p', { top_p: 0.9 }],
    ['seed', { seed: 7 }],
    ['max_tokens', { max_tokens: 17 }],
    ['stop', { stop: ['\n'] }],
  ])('keeps the sampling parameter %s', (_name, extra) => {
    expect(normaliseRequest(request('hi', extra))).not.toBe(normaliseRequest(request('hi')));
  });

  it('keeps an ignored name below the top level, where it may be content', () => {
    expect(normaliseRequest({ input: { user: 'a' } })).not.toBe(
      normaliseRequest({ input: { user: 'b' } }),
    );
  });

  it('tells apart keys whose parts would collide when joined', () => {
    expect(cacheKey('m:1', '2', {})).not.toBe(cacheKey('m', '1:2', {}));
  });
});

describe('ResponseCache hits and misses', () => {
  it('misses, then hits the same request with keys in another order and ignored fields', () => {
    const cache = newCache();
    expect(cache.get('llama', 'v1', request('hi'))).toBeUndefined();
    expect(cache.set('llama', 'v1', request('hi'), 'hello')).toBe(true);
    const reordered = {
      max_tokens: 16,
      temperature: 0,
      messages: [{ content: 'hi', role: 'user' }],
    };
    expect(
      cache.get('llama', 'v1', { ...reordered, stream: true, user: 'u7', request_id: 'r9' }),
    ).toBe('hello');
    expect(cache.get('llama', 'v1', request('bye'))).toBeUndefined();
    expect(cache.get('mistral', 'v1', request('hi'))).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3, entries: 1 });
  });

  it('misses for a request with different sampling parameters', () => {
    const cache = newCache();
    cache.set('llama', 'v1', request('hi'), 'hello');
    expect(cache.get('llama', 'v1', request('hi', { temperature: 0.8 }))).toBeUndefined();
  });
});

describe('ResponseCache model versions', () => {
  it('never serves an older version once a new one is current, and drops its entries', () => {
    const cache = newCache();
    cache.setModelVersion('llama', 'v1');
    cache.set('llama', 'v1', request('a'), 'old a');
    cache.set('llama', 'v1', request('b'), 'old b');
    cache.set('mistral', 'v1', request('a'), 'mistral a');

    expect(cache.setModelVersion('llama', 'v2')).toBe(2);
    expect(cache.get('llama', 'v2', request('a'))).toBeUndefined();
    // Asking for the old version explicitly is a miss too, and a late answer of the old
    // version (a request that began before the change) is refused.
    expect(cache.get('llama', 'v1', request('a'))).toBeUndefined();
    expect(cache.set('llama', 'v1', request('a'), 'late old a')).toBe(false);
    expect(cache.get('llama', 'v2', request('a'))).toBeUndefined();

    cache.set('llama', 'v2', request('a'), 'new a');
    expect(cache.get('llama', 'v2', request('a'))).toBe('new a');
    expect(cache.get('mistral', 'v1', request('a'))).toBe('mistral a');
    expect(cache.stats()).toMatchObject({ entries: 2, invalidations: 2, rejected: 1 });
  });

  it('keeps the version in the key even before a current version is declared', () => {
    const cache = newCache();
    cache.set('llama', 'v1', request('a'), 'v1 answer');
    expect(cache.get('llama', 'v2', request('a'))).toBeUndefined();
    expect(cache.get('llama', 'v1', request('a'))).toBe('v1 answer');
  });

  it('keeps the entries when the same version is declared again', () => {
    const cache = newCache();
    cache.setModelVersion('llama', 'v1');
    cache.set('llama', 'v1', request('a'), 'a');
    expect(cache.setModelVersion('llama', 'v1')).toBe(0);
    expect(cache.get('llama', 'v1', request('a'))).toBe('a');
  });
});

describe('ResponseCache limits', () => {
  it('evicts the least recently used entry past the entry limit', () => {
    const cache = newCache(3);
    for (const p of ['a', 'b', 'c']) cache.set('m', '1', request(p), p);
    cache.get('m', '1', request('a')); // b is now the least recently used
    cache.set('m', '1', request('d'), 'd');
    expect(cache.get('m', '1', request('b'))).toBeUndefined();
    for (const p of ['a', 'c', 'd']) expect(cache.get('m', '1', request(p))).toBe(p);
    expect(cache.stats()).toMatchObject({ entries: 3, evictions: 1 });
  });

  it('bounds the bytes (key plus value), evicting in LRU order', () => {
    const value = 'x'.repeat(100);
    const entryBytes = Buffer.byteLength(cacheKey('m', '1', request('a'))) + 100;
    // Room for three entries, not four.
    const cache = newCache(1000, 4 * entryBytes - 1);
    for (const p of ['a', 'b', 'c']) cache.set('m', '1', request(p), value);
    expect(cache.stats().bytes).toBe(3 * entryBytes);
    cache.get('m', '1', request('a'));
    cache.set('m', '1', request('d'), value);
    expect(cache.get('m', '1', request('b'))).toBeUndefined();
    for (const p of ['a', 'c', 'd']) expect(cache.get('m', '1', request(p))).toBe(value);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 3 * entryBytes, evictions: 1 });

    // A large value evicts as many entries as it needs.
    cache.set('m', '1', request('e'), 'x'.repeat(100 + 2 * entryBytes));
    expect(cache.stats()).toMatchObject({ entries: 1, evictions: 4 });
  });

  it('refuses an entry larger than the byte limit and counts it', () => {
    const cache = newCache(10, 500);
    cache.set('m', '1', request('a'), 'small');
    expect(cache.set('m', '1', request('b'), 'x'.repeat(1000))).toBe(false);
    expect(cache.get('m', '1', request('a'))).toBe('small');
    expect(cache.stats()).toMatchObject({ entries: 1, rejected: 1 });
  });

  it('computes the size of a value once, on set', () => {
    const sizeOf = jest.fn((v: string) => v.length);
    const cache = new ResponseCache<string>({ maxEntries: 10, maxBytes: 10_000, sizeOf });
    cache.set('m', '1', request('a'), 'abc');
    for (let i = 0; i < 5; i++) cache.get('m', '1', request('a'));
    expect(sizeOf).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a string, in UTF-8 bytes', 'héllo', 6],
    ['a buffer', Buffer.alloc(10), 10],
    ['an object, as JSON', { a: 1 }, 7],
  ])('sizes %s', (_name, value, bytes) => {
    expect(defaultSizeOf(value)).toBe(bytes);
  });
});

describe('ResponseCache flush', () => {
  const filled = () => {
    const cache = newCache();
    for (const model of ['llama', 'mistral'])
      for (const p of ['a', 'b']) cache.set(model, 'v1', request(p), `${model} ${p}`);
    return cache;
  };

  it('flushes one model only', () => {
    const cache = filled();
    expect(cache.flush('llama')).toBe(2);
    expect(cache.get('llama', 'v1', request('a'))).toBeUndefined();
    expect(cache.get('mistral', 'v1', request('a'))).toBe('mistral a');
    expect(cache.stats()).toMatchObject({ entries: 2, invalidations: 2, evictions: 0 });
  });

  it('flushes everything', () => {
    const cache = filled();
    expect(cache.flush()).toBe(4);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, invalidations: 4 });
    expect(cache.get('mistral', 'v1', request('b'))).toBeUndefined();
  });
});
