import express, { type Request, Router } from 'express';
import { z } from 'zod';
import type { Clock } from '../../clock';
import type { ApiToken } from '../../config/tokens';
import type { DriftMonitor } from '../../drift/config';
import { renderDriftHtml } from '../../drift/html';
import { PROFILE_ID } from '../../drift/references';
import {
  profileListingJson,
  reportJson,
  reportSummaryJson,
  storedReferenceJson,
} from '../../drift/report-json';
import { createDriftService } from '../../drift/service';
import { AppError } from '../../errors';
import { parseTime, timeParam } from '../../model-stats/window';
import type { Store } from '../../store/store';
import { parseBody } from '../body';
import { limitedJson, refuseOversizedBody } from '../body-limit';
import { requireScope } from '../middleware/auth';
import { parseQuery } from '../query';

/** What the drift routes need: the store, the configured monitors and the clock. */
export interface DriftApiDeps {
  store: Store;
  monitors: readonly DriftMonitor[];
  clock: Clock;
  /** Largest reference upload accepted, in bytes (default DEFAULT_MAX_UPLOAD_BYTES). */
  maxUploadBytes?: number;
}

/** Most reports or profiles one listing answers. */
export const MAX_LIST_LIMIT = 1000;
/** Largest reference upload by default: 100 MB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

const CSV_TYPES = ['text/csv', 'application/csv'];
// The JSON bodies of drift/run and of a pinned reference: a few fields.
const JSON_BODY_BYTES = 64 * 1024;
const JSONL_TYPES = [
  'application/x-ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/json-lines',
];

const single = z.string({ error: 'expected a single value' });
const limitError = `expected an integer from 1 to ${MAX_LIST_LIMIT}`;
const limit = single
  .regex(/^\d+$/, { error: limitError })
  .transform(Number)
  .pipe(z.number().min(1, { error: limitError }).max(MAX_LIST_LIMIT, { error: limitError }))
  .default(50);
const model = single.min(1, 'expected a model name');

const listQuery = z
  .strictObject({ model: model.optional(), from: timeParam(), to: timeParam(), limit })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    path: ['from'],
    message: 'expected from before to',
  });
const showQuery = z.strictObject({
  format: z.enum(['json', 'html'], { error: 'expected json or html' }).default('json'),
});
const referencesQuery = z.strictObject({ model: model.optional(), limit });
const profileId = single.regex(PROFILE_ID, {
  error: 'expected an id of letters, digits, _ . : or - (at most 128)',
});
const uploadQuery = z.strictObject({
  model,
  id: profileId.optional(),
  description: single.max(1000).optional(),
});

// A time in a JSON body: ISO-8601 with a zone, or epoch milliseconds.
const instant = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const parsed = parseTime(String(value));
  if ('ms' in parsed) return parsed.ms;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});
const window = z
  .strictObject({ from: instant, to: instant })
  .refine((w) => w.from < w.to, { message: 'expected from before to' })
  .transform((w) => ({ fromMs: w.from, toMs: w.to }));
const runBody = z.strictObject({
  model: z.string({ error: 'expected a model name' }).min(1, 'expected a model name'),
  monitor: z.string({ error: 'expected a monitor name' }).min(1).optional(),
  window: window.optional(),
});
const pinBody = z.strictObject({
  model: z.string({ error: 'expected a model name' }).min(1, 'expected a model name'),
  id: z
    .string()
    .regex(PROFILE_ID, { error: 'expected an id of letters, digits, _ . : or -' })
    .optional(),
  from: instant,
  to: instant,
  description: z.string().max(1000).optional(),
});

const isA = (req: Request, types: readonly string[]) => req.is(types as string[]) !== false;

/**
 * Returns the drift routes: GET /api/v1/drift/reports and /api/v1/drift/reports/:id (JSON or a
 * standalone HTML page) and GET /api/v1/references (read); POST /api/v1/drift/run (run a monitor
 * now) and POST /api/v1/references (upload a CSV or JSON lines baseline, or pin a window) (admin).
 */
export function driftRoutes(tokens: readonly ApiToken[], deps: DriftApiDeps): Router {
  const router = Router();
  const drift = createDriftService(deps);
  const read = requireScope(tokens, 'read');
  const admin = requireScope(tokens, 'admin');
  const maxBytes = deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;

  router.get('/api/v1/drift/reports', read, async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    const reports = await drift.list({
      limit: q.limit,
      ...(q.model !== undefined ? { model: q.model } : {}),
      ...(q.from !== undefined ? { fromMs: q.from } : {}),
      ...(q.to !== undefined ? { toMs: q.to } : {}),
    });
    res.json({ reports: reports.map(reportSummaryJson) });
  });

  router.get('/api/v1/drift/reports/:id', read, async (req, res) => {
    const q = parseQuery(showQuery, req.query);
    const id = String(req.params.id);
    const stored = await drift.get(id);
    if (stored === undefined)
      throw new AppError('report_not_found', 404, `no drift report with id "${id}"`);
    const json = reportJson(stored);
    if (q.format === 'json') {
      res.json(json);
      return;
    }
    res
      .status(200)
      .setHeader('Content-Type', 'text/html; charset=utf-8')
      // The page needs nothing but its inline style: no script runs, nothing is fetched.
      .setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(renderDriftHtml(json));
  });

  router.post('/api/v1/drift/run', admin, ...limitedJson(JSON_BODY_BYTES), async (req, res) => {
    // No body at all reads as {}, so the 400 names the missing fields.
    const body = parseBody(runBody, req.body ?? {});
    const stored = await drift.run({
      model: body.model,
      ...(body.monitor !== undefined ? { monitor: body.monitor } : {}),
      ...(body.window !== undefined ? { window: body.window } : {}),
    });
    res.status(201).json(reportJson(stored));
  });

  router.get('/api/v1/references', read, async (req, res) => {
    const q = parseQuery(referencesQuery, req.query);
    const profiles = await drift.references(
      q.model === undefined ? { limit: q.limit } : { model: q.model, limit: q.limit },
    );
    res.json({ references: profiles.map(profileListingJson) });
  });

  router.post(
    '/api/v1/references',
    admin,
    // An upload may be large, a pin request is small; any other type is refused unread (415).
    refuseOversizedBody((req) =>
      isA(req, CSV_TYPES) || isA(req, JSONL_TYPES)
        ? maxBytes
        : isA(req, ['application/json'])
          ? JSON_BODY_BYTES
          : undefined,
    ),
    express.text({ type: [...CSV_TYPES, ...JSONL_TYPES], limit: maxBytes }),
    express.json({ type: 'application/json', limit: JSON_BODY_BYTES }),
    async (req, res) => {
      if (isA(req, CSV_TYPES) || isA(req, JSONL_TYPES)) {
        const q = parseQuery(uploadQuery, req.query);
        const data = typeof req.body === 'string' ? req.body : '';
        const stamp = new Date(deps.clock.now().getTime()).toISOString().replace(/[-:.]/g, '');
        const stored = await drift.upload(
          {
            model: q.model,
            profileId: q.id ?? `upload_${stamp}`,
            ...(q.description !== undefined ? { description: q.description } : {}),
          },
          isA(req, CSV_TYPES) ? 'CSVWithNames' : 'JSONEachRow',
          data,
        );
        res.status(201).json(storedReferenceJson(stored));
        return;
      }
      if (isA(req, ['application/json'])) {
        const body = parseBody(pinBody, req.body ?? {});
        if (body.from >= body.to)
          throw new AppError('invalid_body', 400, 'from: expected from before to');
        const stored = await drift.pin(
          {
            model: body.model,
            ...(body.id !== undefined ? { profileId: body.id } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
          },
          { fromMs: body.from, toMs: body.to },
        );
        res.status(201).json(storedReferenceJson(stored));
        return;
      }
      throw new AppError(
        'unsupported_media_type',
        415,
        `Content-Type ${req.headers['content-type'] ?? '(none)'}: expected text/csv (with a header row), application/x-ndjson (JSON lines) or application/json ({model, from, to} to pin a window)`,
      );
    },
  );
  return router;
}
