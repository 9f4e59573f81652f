// Response cache for the sidecar: LRU (lru-cache) bounded by entries and bytes, keyed by model,
// model version and the normalised request, so that a new model version never serves an answer
// of an older one.
import { LRUCache } from 'lru-cache';
import { configure } from 'safe-stable-stringify';

/**
 * Top-level request fields that do not change the answer and so are left out of the key:
 * `stream` and `stream_options` (delivery only), `user` (an end-user id for abuse tracking),
 * `request_id` (a correlation id). Everything else is kept, sampling parameters included
 * (`temperature`, `top_p`, `top_k`, `seed`, `max_tokens`, `stop`, ...).
 */
export const IGNORED_REQUEST_FIELDS: readonly string[] = [
  'stream',
  'stream_options',
  'user',
  'request_id',
];

// Sorted keys at every depth; a cycle or a BigInt throws rather than silently keying alike.
const stableStringify = configure({
  deterministic: true,
  circularValue: TypeError,
  bigint: false,
});

/** Returns the request as JSON with sorted keys and without the ignored top-level fields. */
export function normaliseRequest(request: unknown): string {
  let value = request;
  if (request !== null && typeof request === 'object' && !Array.isArray(request)) {
    value = Object.fromEntries(
      Object.entries(request).filter(([field]) => !IGNORED_REQUEST_FIELDS.includes(field)),
    );
  }
  return stableStringify(value) ?? 'null';
}

/** Returns the cache key of a request to a model version (unambiguous: a JSON array). */
export function cacheKey(model: string, version: string, request: unknown): string {
  return JSON.stringify([model, version, normaliseRequest(request)]);
}

/** Returns the UTF-8 size of a value: bytes of a string or buffer, else of its JSON. */
export function defaultSizeOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (value instanceof Uint8Array) return value.byteLength;
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

export interface ResponseCacheOptions<V> {
  maxEntries: number;
  /** Bound on the bytes held: key plus value of every entry. */
  maxBytes: number;
  /** Size of a value in bytes, computed once on set; defaults to `defaultSizeOf`. */
  sizeOf?: (value: V) => number;
}

/** Counters for /metrics; `evictions` are capacity evictions, `invalidations` flushes and version changes. */
export interface ResponseCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  invalidations: number;
  /** Sets refused: larger than `maxBytes`, or for a version other than the model's current one. */
  rejected: number;
  entries: number;
  bytes: number;
}

interface Entry<V> {
  model: string;
  version: string;
  value: V;
}

/** A versioned LRU response cache bounded by entries and bytes. */
export class ResponseCache<V> {
  private readonly lru: LRUCache<string, Entry<V>>;
  private readonly currentVersion = new Map<string, string>();
  private readonly counters = { hits: 0, misses: 0, evictions: 0, invalidations: 0, rejected: 0 };

  constructor(options: ResponseCacheOptions<V>) {
    const sizeOf = options.sizeOf ?? defaultSizeOf;
    this.lru = new LRUCache<string, Entry<V>>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // Key bytes count too: a long prompt is held in the key.
      sizeCalculation: (entry, key) =>
        Math.max(1, Buffer.byteLength(key, 'utf8') + sizeOf(entry.value)),
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') this.counters.evictions++;
      },
    });
  }

  /** Returns the cached answer for this model version and request, or undefined (a miss). */
  get(model: string, version: string, request: unknown): V | undefined {
    const entry = this.isCurrent(model, version)
      ? this.lru.get(cacheKey(model, version, request))
      : undefined;
    if (entry === undefined) {
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits++;
    return entry.value;
  }

  /**
   * Stores an answer; returns false when refused: the version is not the model's current one
   * (a request that began before a version change), or the entry exceeds `maxBytes`.
   */
  set(model: string, version: string, request: unknown, value: V): boolean {
    const key = cacheKey(model, version, request);
    if (this.isCurrent(model, version)) {
      this.lru.set(key, { model, version, value });
      if (this.lru.has(key)) return true;
    }
    this.counters.rejected++;
    return false;
  }

  /**
   * Makes `version` the model's current one and drops the entries of every other version; returns
   * how many (0 at once when it already is current: called on every request).
   */
  setModelVersion(model: string, version: string): number {
    if (this.currentVersion.get(model) === version) return 0;
    this.currentVersion.set(model, version);
    return this.dropWhere((entry) => entry.model === model && entry.version !== version);
  }

  /** Drops the entries of one model, or all entries; returns how many. */
  flush(model?: string): number {
    return this.dropWhere((entry) => model === undefined || entry.model === model);
  }

  /** Returns the counters and the current entries and bytes. */
  stats(): ResponseCacheStats {
    return { ...this.counters, entries: this.lru.size, bytes: this.lru.calculatedSize };
  }

  private isCurrent(model: string, version: string): boolean {
    const current = this.currentVersion.get(model);
    return current === undefined || current === version;
  }

  private dropWhere(predicate: (entry: Entry<V>) => boolean): number {
    const keys: string[] = [];
    for (const [key, entry] of this.lru.entries()) if (predicate(entry)) keys.push(key);
    for (const key of keys) this.lru.delete(key);
    this.counters.invalidations += keys.length;
    return keys.length;
  }
}
