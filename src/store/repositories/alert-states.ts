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
