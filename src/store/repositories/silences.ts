// silences (migrations/0011): one row per version of a silence, the highest version wins (FINAL).
// Creating writes version 1; an update or an expiry reads the newest version and writes the
// next. Two writers racing on one silence write the same version and the later insert wins,
// which is what a second DELETE or edit means anyway.
import { z } from 'zod';
import type { Matcher, Silence } from '../../alerts/silences';
import type { Store } from '../store';

/** A silence as stored: the silence plus its bookkeeping. */
export interface StoredSilence extends Silence {
  version: number;
  /** Whether a DELETE expired it (rather than its end time passing). */
  deleted: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

const dt = (ms: number) => (ms / 1000).toFixed(3);

const COLUMNS = `id, version, matchers, toUnixTimestamp64Milli(starts_at) AS starts_at_ms,
  toUnixTimestamp64Milli(ends_at) AS ends_at_ms, created_by, comment, deleted,
  toUnixTimestamp64Milli(created_at) AS created_at_ms,
  toUnixTimestamp64Milli(updated_at) AS updated_at_ms`;

const num = z.coerce.number();
const matcher = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean(),
});
const rowSchema = z
  .object({
    id: z.string(),
    version: num,
    matchers: z.string().transform((text): Matcher[] => z.array(matcher).parse(JSON.parse(text))),
    starts_at_ms: num,
    ends_at_ms: num,
    created_by: z.string(),
    comment: z.string(),
    deleted: num,
    created_at_ms: num,
    updated_at_ms: num,
  })
  .transform(
    (r): StoredSilence => ({
      id: r.id,
      matchers: r.matchers,
      startsAt: new Date(r.starts_at_ms),
      endsAt: new Date(r.ends_at_ms),
      createdBy: r.created_by,
      comment: r.comment,
      version: r.version,
      deleted: r.deleted !== 0,
      createdAtMs: r.created_at_ms,
      updatedAtMs: r.updated_at_ms,
    }),
  );

async function writeVersion(store: Store, s: StoredSilence): Promise<void> {
  await store.insert({
    tag: 'silences.write',
    table: 'silences',
    rows: [
      {
        id: s.id,
        version: s.version,
        matchers: JSON.stringify(
          s.matchers.map(({ name, value, isRegex, isEqual }) => ({
            name,
            value,
            isRegex,
            isEqual,
          })),
        ),
        starts_at: dt(s.startsAt.getTime()),
        ends_at: dt(s.endsAt.getTime()),
        created_by: s.createdBy,
        comment: s.comment,
        deleted: s.deleted ? 1 : 0,
        created_at: dt(s.createdAtMs),
        updated_at: dt(s.updatedAtMs),
      },
    ],
  });
}

/** Stores a new silence (version 1) and returns it as stored. */
export async function createSilence(
  store: Store,
  silence: Silence,
  nowMs: number,
): Promise<StoredSilence> {
  const stored: StoredSilence = {
    ...silence,
    version: 1,
    deleted: false,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
  await writeVersion(store, stored);
  return stored;
}

/** Stores a new version of an existing silence with these fields, and returns it. */
export async function updateSilence(
  store: Store,
  previous: StoredSilence,
  changes: Omit<Silence, 'id'>,
  nowMs: number,
): Promise<StoredSilence> {
  const stored: StoredSilence = {
    ...previous,
    ...changes,
    version: previous.version + 1,
    updatedAtMs: nowMs,
  };
  await writeVersion(store, stored);
  return stored;
}

/** Returns the newest version of one silence, or undefined for an unknown id. */
export async function findSilence(store: Store, id: string): Promise<StoredSilence | undefined> {
  const [row] = await store.query({
    tag: 'silences.find',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.silences FINAL WHERE id = {id:String}`,
    params: { id },
    schema: rowSchema,
  });
  return row;
}

/**
 * Returns the newest version of every silence, by start time then id; with `activeAt`, only the
 * silences in effect then (starts_at <= activeAt < ends_at).
 */
export async function listSilences(
  store: Store,
  options: { activeAt?: number } = {},
): Promise<StoredSilence[]> {
  return store.query({
    tag: 'silences.list',
    sql: `SELECT ${COLUMNS} FROM {db:Identifier}.silences FINAL
          WHERE {any:Bool}
             OR (starts_at <= fromUnixTimestamp64Milli({at:Int64}, 'UTC')
                 AND ends_at > fromUnixTimestamp64Milli({at:Int64}, 'UTC'))
          ORDER BY starts_at, id`,
    params: { any: options.activeAt === undefined, at: options.activeAt ?? 0 },
    schema: rowSchema,
  });
}

/**
 * Expires a silence as Alertmanager's DELETE does and returns it as now stored: an active one
 * ends at `nowMs`, a pending one starts and ends at `nowMs`, an expired one is left as it is.
 * Returns undefined for an unknown id.
 */
export async function expireSilence(
  store: Store,
  id: string,
  nowMs: number,
): Promise<StoredSilence | undefined> {
  const previous = await findSilence(store, id);
  if (previous === undefined || previous.endsAt.getTime() <= nowMs) return previous;
  const now = new Date(nowMs);
  const startsAt = previous.startsAt.getTime() > nowMs ? now : previous.startsAt;
  const stored: StoredSilence = {
    ...previous,
    startsAt,
    endsAt: now,
    deleted: true,
    version: previous.version + 1,
    updatedAtMs: nowMs,
  };
  await writeVersion(store, stored);
  return stored;
}

/** The silence functions bound to one store: what the API's silence routes take. */
export interface SilenceRepository {
  create(silence: Silence, nowMs: number): Promise<StoredSilence>;
  update(
    previous: StoredSilence,
    changes: Omit<Silence, 'id'>,
    nowMs: number,
  ): Promise<StoredSilence>;
  find(id: string): Promise<StoredSilence | undefined>;
  list(): Promise<StoredSilence[]>;
  expire(id: string, nowMs: number): Promise<StoredSilence | undefined>;
}

/** Returns the silence functions bound to `store`. */
export function silenceRepository(store: Store): SilenceRepository {
  return {
    create: (silence, nowMs) => createSilence(store, silence, nowMs),
    update: (previous, changes, nowMs) => updateSilence(store, previous, changes, nowMs),
    find: (id) => findSilence(store, id),
    list: () => listSilences(store),
    expire: (id, nowMs) => expireSilence(store, id, nowMs),
  };
}
