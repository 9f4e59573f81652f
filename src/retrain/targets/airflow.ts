// Apache Airflow, stable REST API (2.x): POST {url}/api/v1/dags/{dag_id}/dagRuns with
// `{dag_run_id, conf}`. dag_run_id derives from the evidence key, and Airflow refuses a second
// run with the same id (409 ALREADY_EXISTS), which the outbox counts as delivered. logical_date
// is left out: Airflow also keys runs on (dag_id, logical_date), and "now" never collides.
import { destinationKey, type OutboundRequest } from '../../outbox/request';
import type { RetrainTargetOf } from '../config';
import { type TriggerContext, triggerPayload } from '../payload';
import { authorizedDestination, JSON_HEADERS, joinUrl, type TargetKindImpl } from './target';

type AirflowTarget = RetrainTargetOf<'airflow'>;

/** Returns the DAG run id for a trigger: `insightagent__<key>` (Airflow's allowed run id characters). */
export function dagRunId(c: TriggerContext): string {
  return `insightagent__${c.trigger.idempotencyKey}`;
}

/** Returns the trigger-DAG-run URL of the target. */
export function airflowUrl(t: AirflowTarget): string {
  return joinUrl(t.url, `/api/v1/dags/${encodeURIComponent(t.dag_id)}/dagRuns`);
}

/** Returns the body of POST …/dagRuns: the run id and the trigger as `conf`. */
export function airflowBody(c: TriggerContext): Record<string, unknown> {
  return { dag_run_id: dagRunId(c), conf: triggerPayload(c) };
}

function authorization(t: AirflowTarget): string | undefined {
  if (t.token !== undefined) return `Bearer ${t.token}`;
  if (t.username !== undefined && t.password !== undefined) {
    return `Basic ${Buffer.from(`${t.username}:${t.password}`).toString('base64')}`;
  }
  return undefined;
}

/** The Airflow entry of the target table. */
export const airflowTarget: TargetKindImpl<AirflowTarget> = {
  render(c, t): OutboundRequest {
    const url = airflowUrl(t);
    return {
      method: 'POST',
      url,
      headers: JSON_HEADERS,
      body: JSON.stringify(airflowBody(c)),
      destinationKey: destinationKey('airflow', url),
    };
  },
  destination: (t) =>
    authorizedDestination(airflowUrl(t), authorization(t), [t.password, t.token], [409]),
};
