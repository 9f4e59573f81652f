// What every sidecar route shares: the pipeline's dependencies, the call built from the HTTP
// request's headers, the disconnect signal, and the record of a request refused as malformed.
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { parseBody } from '../../api/body';
import { AppError } from '../../errors';
import { priorityFrom, timeoutFrom } from '../admission';
import type { CachedAnswer, InferenceCall, InferenceDeps } from '../inference';
import { recordOne } from '../inference';
import type { SidecarRequestRecord } from '../request-record';
import { rateLimitKeysFromHeaders } from '../token-bucket';
import type { InferenceRequest } from './direct';

/** Everything a route needs. */
export interface RouteDeps extends InferenceDeps {
  /** Whether the server is shutting down (readiness answers 503). */
  draining: () => boolean;
}

/** Returns a signal that fires when the client goes away before its answer is complete. */
export function disconnectSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

/**
 * Returns the call for one HTTP request: headers read and checked (400 naming the header), 404
 * for a model not served. Makes no batcher: that waits until the request passed rate limiting.
 */
export function callOf(
  deps: RouteDeps,
  req: InferenceRequest,
  res: ServerResponse,
  fields: Pick<InferenceCall, 'operation' | 'model' | 'stream' | 'startMs'>,
): InferenceCall {
  const { options } = deps.pool.info(fields.model);
  const priority = priorityFrom(req.headers, options.priority_levels);
  const rawType = req.headers['x-request-type'];
  return {
    ...fields,
    requestType: (Array.isArray(rawType) ? rawType[0] : rawType)?.trim() ?? '',
    rateKeys: rateLimitKeysFromHeaders(req.headers),
    timeoutMs: timeoutFrom(req.headers, options.timeout_ms),
    signal: disconnectSignal(res),
    ...(priority === undefined ? {} : { priority }),
  };
}

/**
 * Returns the parsed body and what `build` makes of it (the call); a refusal of either (400, or
 * 404 for a model not served) is recorded before it is thrown.
 */
export function parseRecorded<S extends z.ZodType, T>(
  deps: RouteDeps,
  schema: S,
  req: InferenceRequest,
  operation: SidecarRequestRecord['operation'],
  startMs: number,
  build: (body: z.output<S>) => T,
): { body: z.output<S>; built: T } {
  const raw = req.body as { model?: unknown; stream?: unknown } | undefined;
  try {
    const body = parseBody(schema, raw ?? {});
    return { body, built: build(body) };
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'internal_error';
    const outcome = code === 'invalid_body' || code === 'invalid_header' ? 'invalid_request' : code;
    recordOne(deps, {
      operation,
      model: typeof raw?.model === 'string' ? raw.model : String(req.params.model ?? ''),
      modelVersion: deps.backend.modelVersion,
      requestType: String(req.headers['x-request-type'] ?? ''),
      startMs,
      endMs: deps.now(),
      queueMs: null,
      ttftMs: null,
      batchSize: null,
      cacheHit: false,
      inputTokens: null,
      outputTokens: null,
      outcome,
      stream: raw?.stream === true,
      responseId: null,
    });
    throw err;
  }
}

/** Returns `x-cache: hit` when the cache answered every prompt, else `miss`. */
export function cacheHeader(hits: readonly boolean[]): 'hit' | 'miss' {
  return hits.length > 0 && hits.every(Boolean) ? 'hit' : 'miss';
}

/** Returns the prompt tokens of a text, estimated as its whitespace-separated words (>= 1). */
export function estimateTokens(text: string): number {
  return Math.max(1, text.split(/\s+/).filter(Boolean).length);
}

/** Returns the answer's finish reason: `length` when it used all of `maxTokens`. */
export function finishReason(answer: CachedAnswer, maxTokens: number): 'length' | 'stop' {
  return answer.outputTokens >= maxTokens ? 'length' : 'stop';
}

/** A server-sent event stream opened on its first event (so a refusal can still be a status). */
export class SseStream {
  private opened = false;

  constructor(private readonly res: ServerResponse) {}

  /** Whether a byte has been sent. */
  get started(): boolean {
    return this.opened;
  }

  /** Sends one `data:` event with the JSON of `value`. */
  send(value: unknown): void {
    if (this.res.destroyed) return; // the client went away; its batch may still be running
    this.open();
    this.res.write(`data: ${JSON.stringify(value)}\n\n`);
  }

  /** Sends `data: [DONE]` and ends the response. */
  done(): void {
    if (this.res.destroyed) return;
    this.open();
    this.res.end('data: [DONE]\n\n');
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    this.res.flushHeaders();
  }
}

/** Ends a stream that failed after it started: an error event, then `[DONE]`. */
export function failStream(stream: SseStream, err: unknown): void {
  const known = err instanceof AppError ? err : undefined;
  stream.send({
    error: {
      code: known?.code ?? 'internal_error',
      message: known?.message ?? 'internal error; see the server log',
    },
  });
  stream.done();
}
