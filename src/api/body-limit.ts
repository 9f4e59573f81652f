// Refuses a request body over its route's limit before any of it is read. body-parser checks a
// declared Content-Length against its limit at once, but then reads the whole body (discarding
// it) before answering, so a client declaring 1 GB waits for its 413 until it has sent 1 GB. Here
// the 413 goes out at once; node then reads and drops whatever the client still sends (nothing
// is kept). `Connection: close` was tried: node resets the socket right after the answer, and a
// client still sending got EPIPE instead of the 413 (2 of 3 OTLP paths in the first run).
import type { IncomingMessage } from 'node:http';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { AppError } from '../errors';

/** Returns the 413 for a body over `limit` bytes (`declared`: its Content-Length, when known). */
export function bodyTooLarge(limit: number, declared?: number): AppError {
  const size = declared === undefined ? '' : ` (${declared} bytes)`;
  return new AppError(
    'payload_too_large',
    413,
    `request body too large${size}: the limit is ${limit} bytes`,
  );
}

/**
 * Returns the error for a request whose declared body is over `limit`, or undefined. A body with
 * a Content-Encoding is left to the parser, whose limit counts the bytes after decompression.
 */
export function declaredTooLarge(req: IncomingMessage, limit: number): AppError | undefined {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  return length > limit ? bodyTooLarge(limit, length) : undefined;
}

/**
 * Returns middleware that passes a 413 to the error middleware for a declared body over the
 * limit (`limit` may depend on the request, e.g. its Content-Type; undefined: no body is read).
 */
export function refuseOversizedBody(
  limit: number | ((req: Request) => number | undefined),
): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const max = typeof limit === 'number' ? limit : limit(req);
    next(max === undefined ? undefined : declaredTooLarge(req, max));
  };
}

/** Returns the pair every JSON route uses: the declared-size check, then express.json at `limit`. */
export function limitedJson(
  limit: number,
  options: Omit<NonNullable<Parameters<typeof express.json>[0]>, 'limit'> = {},
): RequestHandler[] {
  return [refuseOversizedBody(limit), express.json({ ...options, limit })];
}
