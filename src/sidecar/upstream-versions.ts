// The model versions an upstream server reports, asked again when old or after a failed batch,
// so the versioned cache never answers from a previous deployment.

/** How an upstream backend learns its model versions. */
export interface UpstreamVersionOptions {
  /** Asks the upstream which version serves `model`; rejects when it cannot tell. */
  ask: (model: string, signal: AbortSignal) => Promise<string>;
  /** The version until the upstream has told one. */
  fallback: string;
  /** How long an answer holds (ms); default 30 000. */
  maxAgeMs?: number;
  /** After a failed ask, how long before asking again (ms); default 1 000. */
  retryMs?: number;
  /** How long one ask may take (ms); default 2 000. */
  timeoutMs?: number;
  /** Milliseconds, for the ages; default Date.now. */
  now?: () => number;
  /** Told of each failed ask (for the log); the last version known is kept meanwhile. */
  onAskError?: (model: string, err: unknown) => void;
}

interface Known {
  version: string;
  expiresAt: number;
  asking?: Promise<string>;
}

/**
 * The model versions an upstream reports, asked again once older than `maxAgeMs` or after a
 * failed batch (`expire`), one ask per model at a time. A failed ask keeps the last version known.
 */
export class UpstreamVersions {
  private readonly known = new Map<string, Known>();
  private lastVersion: string;

  constructor(private readonly options: UpstreamVersionOptions) {
    this.lastVersion = options.fallback;
  }

  /** The version last told by the upstream, of any model (or the fallback). */
  get last(): string {
    return this.lastVersion;
  }

  /** Returns the version of `model`, asking the upstream when the last answer expired. */
  get(model: string): Promise<string> {
    const now = this.options.now ?? Date.now;
    const known = this.known.get(model);
    if (known?.asking !== undefined) return known.asking;
    if (known !== undefined && now() < known.expiresAt) return Promise.resolve(known.version);
    const entry: Known = known ?? { version: this.options.fallback, expiresAt: 0 };
    this.known.set(model, entry);
    const signal = AbortSignal.timeout(this.options.timeoutMs ?? 2_000);
    // Through a promise: an `ask` that throws at once is a failed ask too.
    entry.asking = Promise.resolve()
      .then(() => this.options.ask(model, signal))
      .then(
        (version) => {
          entry.version = version;
          entry.expiresAt = now() + (this.options.maxAgeMs ?? 30_000);
          this.lastVersion = version;
          return version;
        },
        (err: unknown) => {
          entry.expiresAt = now() + (this.options.retryMs ?? 1_000);
          this.options.onAskError?.(model, err);
          return entry.version;
        },
      );
    entry.asking.finally(() => {
      entry.asking = undefined;
    });
    return entry.asking;
  }

  /** Makes the next `get` of `model` ask the upstream again (after a failed batch). */
  expire(model: string): void {
    const known = this.known.get(model);
    if (known !== undefined) known.expiresAt = 0;
  }
}
