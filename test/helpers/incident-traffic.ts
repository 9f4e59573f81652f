// Test traffic for SLO alerting: three days of 10 requests a minute for model `chimera`, TTFT
// 300 ms, then a 40-minute incident at TTFT 1200 ms, then three more hours. Written straight into
// inference_requests (the materialized views fill the rollups).
import type { SloSpec } from '../../src/slo/spec';
import type { Store } from '../../src/store/store';

const MIN = 60_000;

/** The incident: it starts at `INCIDENT_AT` and lasts `INCIDENT_MINUTES`. */
export const INCIDENT_AT = Date.parse('2026-11-27T10:00:00Z');
export const INCIDENT_MINUTES = 40;

/** Inserts the traffic around the incident. */
export async function seedIncidentTraffic(store: Store): Promise<void> {
  await store.command({
    tag: 'test.incident_traffic',
    sql: `INSERT INTO {db:Identifier}.inference_requests (ts, model, latency_ms, ttft_ms, status)
          SELECT fromUnixTimestamp64Milli(toInt64({start:Int64} + intDiv(number, 10) * 60000
                   + (number % 10) * 1000), 'UTC') AS t, 'chimera', 500,
                 if(toUnixTimestamp64Milli(t) >= {i0:Int64} AND toUnixTimestamp64Milli(t) < {i1:Int64}, 1200, 300),
                 'ok'
          FROM numbers({rows:UInt64})`,
    params: {
      start: INCIDENT_AT - 3 * 1440 * MIN,
      i0: INCIDENT_AT,
      i1: INCIDENT_AT + INCIDENT_MINUTES * MIN,
      rows: (3 * 1440 + 180) * 10,
    },
  });
}

/** The SLO the incident breaks: TTFT <= 800 ms for 99 % of requests over 30 days, every model. */
export const TTFT_SLO: SloSpec = {
  name: 'ttft',
  model: '*',
  sli: { kind: 'latency', field: 'ttft_ms', thresholdMs: 800 },
  objective: 0.99,
  window: { kind: 'rolling', days: 30 },
  budgeting: 'occurrences',
  alerting: { minEvents: 100, page: true, ticket: true },
};
