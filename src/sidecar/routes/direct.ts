// The inference routes served on node:http directly, ahead of express: with express's router and
// request setup in front, the sidecar's own share of a request took 1.11-1.20 bare HTTP round
// trips in bench/sidecar, without them 0.87-0.97 (docs/benchmarks.md, "Sidecar"). The same
// handlers serve under express too: a request the direct path does not recognise exactly
// (another method or path, a trailing slash, an encoded name) goes to the express app, which
// answers it as it always did. Plain JSON bodies are read by json-body, every other body (and
// every refusal) by express's own JSON parser (body-parser) with the app's limit, and errors
// answer through the app's answerError, so both paths answer alike
// (test/integration/sidecar/server-direct).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import { declaredTooLarge } from '../../api/body-limit';
import { answerError } from '../../api/middleware/errors';
import type { Logger } from '../../telemetry/logger';
import { noteArrivalAt } from '../server-timing';
import { type BodyParser, jsonBodyReader } from './json-body';

/** A request as the inference handlers read it: node's, with the parsed body and path params. */
export interface InferenceRequest extends IncomingMessage {
  body?: unknown;
  /** Path params (express's may hold lists; the direct path's are strings). */
  params: Record<string, string | string[]>;
}

/** An inference route's handler; it may throw (or reject with) an AppError. */
export type InferenceHandler = (req: InferenceRequest, res: ServerResponse) => Promise<void>;

/** One POST route of the direct path: its path params when `path` is exactly its, else undefined. */
export interface DirectRoute {
  match(path: string): Record<string, string> | undefined;
  handler: InferenceHandler;
}

/** The JSON body limit of the sidecar, direct path and express app alike (8 MiB). */
export const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

/** Returns a route matching exactly `path`. */
export function exactRoute(path: string, handler: InferenceHandler): DirectRoute {
  return { match: (p) => (p === path ? {} : undefined), handler };
}

/** Returns a route matching `{prefix}{model}{suffix}` for a model name without `/` or `%`. */
export function modelRoute(prefix: string, suffix: string, handler: InferenceHandler): DirectRoute {
  return {
    match(p) {
      if (!p.startsWith(prefix) || !p.endsWith(suffix)) return undefined;
      const model = p.slice(prefix.length, p.length - suffix.length);
      return /^[^/%]+$/.test(model) ? { model } : undefined;
    },
    handler,
  };
}

/** Returns the listener: POSTs to a direct route are served here, everything else by `app`. */
export function directListener(
  routes: readonly DirectRoute[],
  app: RequestListener,
  log: Logger,
): RequestListener {
  // body-parser's types name express's request and response; it reads node's.
  const parseJson = jsonBodyReader(
    BODY_LIMIT_BYTES,
    express.json({ limit: BODY_LIMIT_BYTES }) as unknown as BodyParser,
  );
  return (req, res) => {
    if (req.method === 'POST') {
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const path = query === -1 ? url : url.slice(0, query);
      for (const route of routes) {
        const params = route.match(path);
        if (params === undefined) continue;
        noteArrivalAt(res);
        const refused = declaredTooLarge(req, BODY_LIMIT_BYTES);
        if (refused !== undefined) return answerError(res, refused, log);
        const request = req as InferenceRequest;
        parseJson(request, res, (err?: unknown) => {
          if (err !== undefined) return answerError(res, err, log);
          request.params = params;
          route.handler(request, res).catch((failure: unknown) => answerError(res, failure, log));
        });
        return;
      }
    }
    app(req, res);
  };
}
