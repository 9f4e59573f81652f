// Intake closed until the store is ready: `serve` listens at once (probes answer during startup
// migrations) but takes rows only once the schema is complete, so no row lands in a table whose
// materialized views do not exist yet.
import { AppError } from '../errors';
import type { RowSink, TableRows } from './rows';

/**
 * A RowSink that refuses every write with 503 `ingest_not_ready` (Retry-After 1 s) until
 * `open()`, then passes writes through to `sink`.
 */
export class SinkGate implements RowSink {
  private opened = false;

  constructor(private readonly sink: RowSink) {}

  /** Returns whether writes pass through. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** Lets writes through from now on. */
  open(): void {
    this.opened = true;
  }

  /** Returns the 503 a write gets while closed, else the sink's own refusal if it has one. */
  refusal(): AppError | undefined {
    if (this.opened) return this.sink.refusal?.();
    return new AppError(
      'ingest_not_ready',
      503,
      'the store schema is being prepared; retry shortly',
      { retryAfterSeconds: 1 },
    );
  }

  /** Passes the rows to the sink once open; refuses them with 503 before. */
  write(rows: TableRows): Promise<void> {
    if (this.opened) return this.sink.write(rows);
    return Promise.reject(this.refusal());
  }
}
