import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { parseSilenceBody } from '../../alerts/silences';
import type { Clock } from '../../clock';
import type { ApiToken } from '../../config/tokens';
import { AppError } from '../../errors';
import type { SilenceRepository, StoredSilence } from '../../store/repositories/silences';
import { limitedJson } from '../body-limit';
import { requireScope } from '../middleware/auth';

/** What the silence routes need: the stored silences and the clock. */
export interface SilenceDeps {
  repository: SilenceRepository;
  clock: Clock;
}

/** Where a silence stands at a given time. */
export type SilenceState = 'active' | 'pending' | 'expired';

/** Returns a silence's state at `nowMs`: pending before startsAt, expired from endsAt on. */
export function silenceState(s: StoredSilence, nowMs: number): SilenceState {
  if (s.endsAt.getTime() <= nowMs) return 'expired';
  return s.startsAt.getTime() > nowMs ? 'pending' : 'active';
}

const STATE_ORDER: Record<SilenceState, number> = { active: 0, pending: 1, expired: 2 };

// Alertmanager's listing order: active by end, pending by start, expired most recent first.
function sortKey(s: StoredSilence, state: SilenceState): number {
  if (state === 'active') return s.endsAt.getTime();
  if (state === 'pending') return s.startsAt.getTime();
  return -s.endsAt.getTime();
}

function view(s: StoredSilence, nowMs: number) {
  return {
    id: s.id,
    state: silenceState(s, nowMs),
    matchers: s.matchers,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt.toISOString(),
    createdBy: s.createdBy,
    comment: s.comment,
    updatedAt: new Date(s.updatedAtMs).toISOString(),
  };
}

/**
 * Returns the silence routes, with Alertmanager's semantics and field names:
 * POST /api/v1/silences (admin) creates (201) or, with the id of a silence not yet expired,
 * updates one (200), answering {id}; GET /api/v1/silences (read) lists them with their state;
 * DELETE /api/v1/silences/:id (admin) expires one (200; 404 for an unknown id).
 */
export function silenceRoutes(tokens: readonly ApiToken[], deps: SilenceDeps): Router {
  const router = Router();
  router.post(
    '/api/v1/silences',
    requireScope(tokens, 'admin'),
    ...limitedJson(64 * 1024, { type: () => true, strict: false }),
    async (req, res) => {
      const now = deps.clock.now();
      const body = parseSilenceBody(req.body, now);
      const { id, ...fields } = body;
      if (id !== undefined) {
        const previous = await deps.repository.find(id);
        if (previous === undefined)
          throw new AppError('silence_not_found', 404, `no silence with id "${id}"`);
        // As Alertmanager does, an expired silence is not revived: the body becomes a new one.
        if (silenceState(previous, now.getTime()) !== 'expired') {
          await deps.repository.update(previous, fields, now.getTime());
          res.status(200).json({ id });
          return;
        }
      }
      const created = await deps.repository.create({ ...fields, id: randomUUID() }, now.getTime());
      res.status(201).json({ id: created.id });
    },
  );
  router.get('/api/v1/silences', requireScope(tokens, 'read'), async (_req, res) => {
    const nowMs = deps.clock.now().getTime();
    const silences = (await deps.repository.list())
      .map((s) => ({ s, state: silenceState(s, nowMs) }))
      .sort(
        (a, b) =>
          STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
          sortKey(a.s, a.state) - sortKey(b.s, b.state) ||
          a.s.id.localeCompare(b.s.id),
      );
    res.json({ silences: silences.map(({ s }) => view(s, nowMs)) });
  });
  router.delete('/api/v1/silences/:id', requireScope(tokens, 'admin'), async (req, res) => {
    const nowMs = deps.clock.now().getTime();
    const id = String(req.params.id);
    const expired = await deps.repository.expire(id, nowMs);
    if (expired === undefined)
      throw new AppError('silence_not_found', 404, `no silence with id "${id}"`);
    res.json({ silence: view(expired, nowMs) });
  });
  return router;
}
