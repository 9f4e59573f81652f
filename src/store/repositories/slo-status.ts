// slo_status (migrations/0009): one row per SLO x model x evaluation minute. A re-evaluated
// minute (catch-up after a crash mid-window) replaces its row (ReplacingMergeTree).
import { z } from 'zod';
import type { SloEvaluation } from '../../slo/evaluate';
import type { Store } from '../store';

/** One evaluation to record. */
export interface SloStatusRow {
  slo: string;
  model: string;
  evaluatedAtMs: number;
  evaluation: SloEvaluation;
}

/** Records evaluations, one INSERT. */
export async function insertSloStatus(store: Store, rows: readonly SloStatusRow[]): Promise<void> {
  await store.insert({
    tag: 'slo_status.insert',
    table: 'slo_status',
    rows: rows.map(({ slo, model, evaluatedAtMs, evaluation: e }) => ({
      evaluated_at: Math.floor(evaluatedAtMs / 1000),
      slo,
      model,
      objective: e.objective,
      method: e.method,
      sli: e.sli,
      good: e.good,
      total: e.total,
      budget_total: e.budget.total,
      budget_consumed: e.budget.consumed,
      budget_remaining: e.budget.remaining_fraction,
      burn_rates: e.burn_rates,
      firing: e.firing ?? 'none',
      conditions: JSON.stringify(e.conditions),
    })),
  });
}

const statusRow = z.object({
  slo: z.string(),
  model: z.string(),
  evaluated_at_ms: z.coerce.number(),
  objective: z.number(),
  method: z.enum(['occurrences', 'timeslices']),
  sli: z.number().nullable(),
  good: z.number(),
  total: z.number(),
  budget_total: z.number(),
  budget_consumed: z.number().nullable(),
  budget_remaining: z.number().nullable(),
  burn_rates: z.record(z.string(), z.number().nullable()),
  firing: z.enum(['none', 'ticket', 'page']),
  conditions: z.string().transform((text) => JSON.parse(text) as unknown),
});

/** The newest recorded evaluation of one SLO x model. */
export type SloStatus = z.output<typeof statusRow>;

/**
 * Returns the newest evaluation of every SLO x model, ordered by SLO then model; with `range`,
 * the newest made in [from, to] (epoch ms) of each that has one there.
 */
export async function latestSloStatus(
  store: Store,
  range?: { fromMs: number; toMs: number },
): Promise<SloStatus[]> {
  return store.query({
    tag: 'slo_status.latest',
    sql: `SELECT slo, model, toUnixTimestamp(max(evaluated_at)) * 1000 AS evaluated_at_ms,
            argMax(objective, evaluated_at) AS objective, argMax(method, evaluated_at) AS method,
            argMax(sli, evaluated_at) AS sli, argMax(good, evaluated_at) AS good,
            argMax(total, evaluated_at) AS total, argMax(budget_total, evaluated_at) AS budget_total,
            argMax(budget_consumed, evaluated_at) AS budget_consumed,
            argMax(budget_remaining, evaluated_at) AS budget_remaining,
            argMax(burn_rates, evaluated_at) AS burn_rates, argMax(firing, evaluated_at) AS firing,
            argMax(conditions, evaluated_at) AS conditions
          FROM {db:Identifier}.slo_status
          WHERE {from:Nullable(Int64)} IS NULL
             OR evaluated_at BETWEEN toDateTime(intDiv({from:Nullable(Int64)}, 1000), 'UTC')
                                 AND toDateTime(intDiv({to:Nullable(Int64)}, 1000), 'UTC')
          GROUP BY slo, model ORDER BY slo, model`,
    params: { from: range?.fromMs ?? null, to: range?.toMs ?? null },
    schema: statusRow,
  });
}

/** Returns the evaluations recorded at one evaluation time (empty when none were). */
export async function sloStatusAt(store: Store, evaluatedAtMs: number): Promise<SloStatus[]> {
  return store.query({
    tag: 'slo_status.at',
    sql: `SELECT slo, model, toUnixTimestamp(evaluated_at) * 1000 AS evaluated_at_ms, objective,
            method, sli, good, total, budget_total, budget_consumed, budget_remaining, burn_rates,
            firing, conditions
          FROM {db:Identifier}.slo_status FINAL
          WHERE evaluated_at = toDateTime(intDiv({at:Int64}, 1000), 'UTC')
          ORDER BY slo, model`,
    params: { at: evaluatedAtMs },
    schema: statusRow,
  });
}
