// alert_states (migrations/0010): the newest state of every alert fingerprint, as JSON.
import { z } from 'zod';
import type { AlertState } from '../../alerts/state';
import type { Store } from '../store';

const row = z.object({ state: z.string() });

/** Returns every alert state by fingerprint (the newest version of each). */
export async function loadAlertStates(store: Store): Promise<Record<string, AlertState>> {
  const rows = await store.query({
    tag: 'alert_states.load',
    sql: 'SELECT state FROM {db:Identifier}.alert_states FINAL',
    schema: row,
  });
  const states: Record<string, AlertState> = {};
  for (const { state } of rows) {
    const parsed = JSON.parse(state) as AlertState;
    states[parsed.fingerprint] = parsed;
  }
  return states;
}

/** Saves new versions of alert states (versioned by their updated_at), one INSERT. */
export async function saveAlertStates(store: Store, states: readonly AlertState[]): Promise<void> {
  await store.insert({
    tag: 'alert_states.save',
    table: 'alert_states',
    rows: states.map((s) => ({
      fingerprint: s.fingerprint,
      slo: s.slo,
      model: s.model,
      severity: s.severity,
      phase: s.phase,
      state: JSON.stringify(s),
      updated_at: (s.updated_at_ms / 1000).toFixed(3),
    })),
  });
}

/** One alert as GET /api/v1/alerts shows it: the newest state of one fingerprint. */
export interface AlertView {
  fingerprint: string;
  slo: string;
  model: string;
  severity: AlertState['severity'];
  state: AlertState['phase'];
  episode: number;
  started_at: string | null;
  resolved_at: string | null;
  updated_at: string;
  figures: AlertState['figures'];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Returns the newest state of every alert fingerprint, optionally of one phase only, ordered
 * by SLO, model, then page before ticket.
 */
export async function listAlerts(
  store: Store,
  query: { phase?: AlertState['phase'] } = {},
): Promise<AlertView[]> {
  const rows = await store.query({
    tag: 'alert_states.list',
    sql: `SELECT state FROM {db:Identifier}.alert_states FINAL
          WHERE {any:Bool} OR phase = {phase:String}
          ORDER BY slo, model, severity DESC`,
    params: { any: query.phase === undefined, phase: query.phase ?? '' },
    schema: row,
  });
  return rows.map(({ state }) => {
    const s = JSON.parse(state) as AlertState;
    return {
      fingerprint: s.fingerprint,
      slo: s.slo,
      model: s.model,
      severity: s.severity,
      state: s.phase,
      episode: s.episode,
      started_at: iso(s.started_at_ms),
      resolved_at: iso(s.resolved_at_ms),
      updated_at: new Date(s.updated_at_ms).toISOString(),
      figures: s.figures,
    };
  });
}
