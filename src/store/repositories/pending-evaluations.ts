// Moving scores from pending_evaluations into evaluations once their request is known: matched
// on (trace_id, span_id) when both are set, else on response_id; model and model_version come
// from the request, everything else (ts included) from the pending row.
//
// Crash safety without a claim table: every row is identified by a fingerprint of its content
// (FINGERPRINT below, the same expression over both tables). The copy inserts only the
// fingerprints that evaluations does not hold yet (an anti-join inside the INSERT ... SELECT, so
// a retried statement is harmless too), then the pending rows are deleted. A crash between copy
// and delete leaves rows that the next pass finds already copied: it deletes them without a
// second insert. Identical pending rows (same ids, name, value, label, ts, ...) count once, so a
// replayed feedback request with an explicit ts is not counted twice. One mover at a time: two
// concurrent passes could both copy the same row (run attribution in one process only).
import { z } from 'zod';
import { renderForCluster } from '../cluster-ddl';
import type { Store } from '../store';

// The content fingerprint; the columns are those of both tables (migrations 0002 and 0007).
const FINGERPRINT = `hex(sipHash128(ts, trace_id, span_id, response_id, name, value IS NULL,
  ifNull(value, 0), label, explanation, evaluator, attributes))`;

/** A pending score whose request is known: its fingerprint, where to find it, and its attribution. */
export interface Attributable {
  fp: string;
  ts: string;
  name: string;
  insertedAt: string;
  model: string;
  modelVersion: string;
}

const attributable = z
  .object({
    fp: z.string(),
    ts: z.string(),
    name: z.string(),
    inserted_at: z.string(),
    model: z.string(),
    model_version: z.string(),
  })
  .transform(
    (r): Attributable => ({
      fp: r.fp,
      ts: r.ts,
      name: r.name,
      insertedAt: r.inserted_at,
      model: r.model,
      modelVersion: r.model_version,
    }),
  );

/** Returns up to `limit` pending scores whose request has arrived, oldest first, with the request's model. */
export async function findAttributable(store: Store, limit: number): Promise<Attributable[]> {
  return store.query({
    tag: 'pending_evaluations.attributable',
    sql: `SELECT p.fp AS fp, toString(p.ts) AS ts, p.name AS name,
                 toString(p.inserted_at) AS inserted_at,
                 if(p.by_span, s.model, r.model) AS model,
                 if(p.by_span, s.model_version, r.model_version) AS model_version
          FROM (
            SELECT ${FINGERPRINT} AS fp, ts, name, inserted_at, trace_id, span_id, response_id,
                   trace_id != '' AND span_id != '' AS by_span
            FROM {db:Identifier}.pending_evaluations
          ) AS p
          LEFT JOIN (
            SELECT trace_id, span_id, argMin(model, ts) AS model,
                   argMin(model_version, ts) AS model_version, 1 AS found
            FROM {db:Identifier}.inference_requests
            WHERE trace_id IN (SELECT trace_id FROM {db:Identifier}.pending_evaluations
                               WHERE trace_id != '' AND span_id != '')
            GROUP BY trace_id, span_id
          ) AS s ON p.trace_id = s.trace_id AND p.span_id = s.span_id
          LEFT JOIN (
            SELECT response_id, argMin(model, ts) AS model,
                   argMin(model_version, ts) AS model_version, 1 AS found
            FROM {db:Identifier}.inference_requests
            WHERE response_id IN (SELECT response_id FROM {db:Identifier}.pending_evaluations
                                  WHERE response_id != '' AND (trace_id = '' OR span_id = ''))
            GROUP BY response_id
          ) AS r ON p.response_id = r.response_id
          WHERE if(p.by_span, s.found, r.found) = 1
          ORDER BY p.inserted_at, p.fp
          LIMIT {limit:UInt32}`,
    params: { limit },
    schema: attributable,
  });
}

/** The bound values that select a batch in both tables, one entry per distinct fingerprint. */
function batchParams(batch: readonly Attributable[]) {
  const byFp = new Map(batch.map((a) => [a.fp, a]));
  const rows = [...byFp.values()];
  return {
    fps: rows.map((a) => a.fp),
    models: rows.map((a) => a.model),
    versions: rows.map((a) => a.modelVersion),
    names: [...new Set(rows.map((a) => a.name))],
    tss: [...new Set(rows.map((a) => a.ts))],
    // From every row, not one per fingerprint: identical rows may have been inserted apart.
    inserted: [...new Set(batch.map((a) => a.insertedAt))],
  };
}

// Fingerprints of evaluations rows that may belong to the batch, found through the primary key
// (model, name, ts).
const COPIED = `SELECT ${FINGERPRINT} AS copied_fp FROM {db:Identifier}.evaluations
  WHERE model IN {models:Array(String)} AND name IN {names:Array(String)}
    AND ts IN {tss:Array(DateTime64(6, 'UTC'))}`;

/** Returns the fingerprints of a batch that evaluations already holds (copied by an earlier pass). */
export async function alreadyCopied(
  store: Store,
  batch: readonly Attributable[],
): Promise<Set<string>> {
  if (batch.length === 0) return new Set();
  const rows = await store.query({
    tag: 'pending_evaluations.copied',
    sql: `SELECT DISTINCT copied_fp AS fp FROM (${COPIED}) WHERE copied_fp IN {fps:Array(String)}`,
    params: batchParams(batch),
    schema: z.object({ fp: z.string() }),
  });
  return new Set(rows.map((r) => r.fp));
}

/** Copies a batch into evaluations with its request's model and version, skipping what is already there. */
export async function copyToEvaluations(
  store: Store,
  batch: readonly Attributable[],
): Promise<void> {
  if (batch.length === 0) return;
  await store.command({
    tag: 'pending_evaluations.copy',
    sql: `INSERT INTO {db:Identifier}.evaluations
            (ts, model, model_version, trace_id, span_id, response_id, name, value, label,
             explanation, evaluator, attributes)
          SELECT ts, transform(fp, {fps:Array(String)}, {models:Array(String)}, ''),
                 transform(fp, {fps:Array(String)}, {versions:Array(String)}, ''),
                 trace_id, span_id, response_id, name, value, label, explanation, evaluator,
                 attributes
          FROM (
            SELECT *, ${FINGERPRINT} AS fp FROM {db:Identifier}.pending_evaluations
            WHERE inserted_at IN {inserted:Array(DateTime64(3, 'UTC'))}
          )
          WHERE fp IN {fps:Array(String)} AND fp NOT IN (${COPIED})
          LIMIT 1 BY fp`,
    params: batchParams(batch),
  });
}

/** Deletes a batch's rows from pending_evaluations (every row with one of its fingerprints). */
export async function deletePending(store: Store, batch: readonly Attributable[]): Promise<void> {
  if (batch.length === 0) return;
  const where = `WHERE inserted_at IN {inserted:Array(DateTime64(3, 'UTC'))}
    AND ${FINGERPRINT} IN {fps:Array(String)}`;
  // A lightweight DELETE on one node; a cluster deletes on every shard's local table (an ALTER
  // the cluster renderer knows). Either way a delete that lags only delays: see the header.
  const statements =
    store.cluster === undefined
      ? [`DELETE FROM {db:Identifier}.pending_evaluations ${where}`]
      : renderForCluster(`ALTER TABLE {db:Identifier}.pending_evaluations DELETE ${where}`, {
          cluster: store.cluster,
          database: store.database,
        });
  const { fps, inserted } = batchParams(batch);
  for (const sql of statements)
    await store.command({ tag: 'pending_evaluations.delete', sql, params: { fps, inserted } });
}

/** What one move did: distinct scores newly copied, and distinct scores settled (copied now or before). */
export interface MoveResult {
  moved: number;
  settled: number;
}

/** Moves up to `limit` attributable pending scores into evaluations and deletes them from pending. */
export async function movePendingEvaluations(store: Store, limit: number): Promise<MoveResult> {
  const batch = await findAttributable(store, limit);
  if (batch.length === 0) return { moved: 0, settled: 0 };
  const before = await alreadyCopied(store, batch);
  await copyToEvaluations(store, batch);
  await deletePending(store, batch);
  const settled = new Set(batch.map((a) => a.fp)).size;
  return { moved: settled - before.size, settled };
}
