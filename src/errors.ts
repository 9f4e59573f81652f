// The one error family: a short fixed `code` (safe as a metric label), the HTTP status it maps
// to, and a message with the details.

/**
 * An error the service knows how to report: code, HTTP status and a message for the caller;
 * `retryAfterSeconds` (429/503) becomes a Retry-After header.
 */
export class AppError extends Error {
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'AppError';
    if (options?.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A bad environment variable, YAML value or CLI argument; the CLI exits with status 2. */
export class ConfigError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_invalid', 500, message, options);
    this.name = 'ConfigError';
  }
}

/** Returns the message of any thrown value, for logs and error bodies. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
