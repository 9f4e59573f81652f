import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../../errors';
import type { Logger } from '../../telemetry/logger';
import { bodyTooLarge } from '../body-limit';
import { sendJson } from '../http-server';

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** Answers 404 for a route that does not exist. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', 404, `no route for ${req.method} ${req.path}`));
};

// body-parser marks its errors with `type` and `status`.
const BODY_ERRORS: Record<string, { code: string; status: number }> = {
  'entity.parse.failed': { code: 'invalid_json', status: 400 },
  'entity.too.large': { code: 'payload_too_large', status: 413 },
  'encoding.unsupported': { code: 'unsupported_encoding', status: 415 },
  'request.aborted': { code: 'request_aborted', status: 400 },
  'request.size.invalid': { code: 'invalid_body_length', status: 400 },
};

/** Returns the one error middleware: `{"error":{"code","message"}}`, 500s logged, details hidden. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    answerError(res, err, log, { method: req.method, path: req.path });
  };
}

/**
 * Answers `err` on a node response as the error middleware does (also for handlers served outside
 * express): the AppError's status and `{"error":{"code","message"}}`, Retry-After when it has one,
 * 500s logged; a response already started is cut off instead.
 */
export function answerError(
  res: ServerResponse,
  err: unknown,
  log: Logger,
  request: { method?: string | undefined; path?: string | undefined } = {},
): void {
  const known = toAppError(err);
  if (known.status >= 500) log.error({ err, ...request }, 'request failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (known.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(known.retryAfterSeconds))));
  }
  const body: ErrorBody = { error: { code: known.code, message: known.message } };
  sendJson(res, body, known.status);
}

/**
 * Returns the AppError an error answers as: itself, a body-parser error's kind, another
 * client error from the HTTP stack (e.g. a corrupt gzip body: 400 `invalid_body`), or a hidden 500.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const { type, status, message, limit } = (err ?? {}) as {
    type?: unknown;
    status?: unknown;
    message?: unknown;
    limit?: unknown;
  };
  // body-parser's own 413 (a body without Content-Length, or compressed) says only "too large".
  if (type === 'entity.too.large' && typeof limit === 'number') return bodyTooLarge(limit);
  const mapped = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (mapped !== undefined) return new AppError(mapped.code, mapped.status, String(message));
  // http-errors (body-parser, express) mark the caller's mistakes with a 4xx `status`.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('invalid_body', status, `cannot read the request body: ${String(message)}`);
  }
  return new AppError('internal_error', 500, 'internal error; see the server log');
}
