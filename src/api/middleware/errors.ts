import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '../../errors';
import type { Logger } from '../../telemetry/logger';

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
    const known = toAppError(err);
    if (known.status >= 500)
      log.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body: ErrorBody = { error: { code: known.code, message: known.message } };
    if (known.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(known.retryAfterSeconds))));
    }
    res.status(known.status).json(body);
  };
}

/**
 * Returns the AppError an error answers as: itself, a body-parser error's kind, another
 * client error from the HTTP stack (e.g. a corrupt gzip body: 400 `invalid_body`), or a hidden 500.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const { type, status, message } = (err ?? {}) as {
    type?: unknown;
    status?: unknown;
    message?: unknown;
  };
  const mapped = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  if (mapped !== undefined) return new AppError(mapped.code, mapped.status, String(message));
  // http-errors (body-parser, express) mark the caller's mistakes with a 4xx `status`.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError('invalid_body', status, `cannot read the request body: ${String(message)}`);
  }
  return new AppError('internal_error', 500, 'internal error; see the server log');
}
