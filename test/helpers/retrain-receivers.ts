// Local stand-ins for the retrain targets' APIs, each checking what the real one checks: path,
// JSON body shape, auth; Airflow refuses a known dag_run_id with 409, GitHub a client_payload of
// more than 10 top-level keys with 422; the webhook receiver verifies the Standard Webhooks
// signature with the `standardwebhooks` package. A request that fails a check gets 400/401/422.
import { Webhook } from 'standardwebhooks';
import type { Answer, Received } from './receiver';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function json(req: Received): Json | undefined {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return undefined;
  try {
    const body = JSON.parse(req.body) as unknown;
    return isObject(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

const answer = (status: number, body: unknown): Answer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** Airflow stable REST API: POST /api/v1/dags/{dag_id}/dagRuns, `authorization` required. */
export function airflowApi(dagId: string, authorization: string) {
  const runs = new Map<string, Json>();
  const handler = (req: Received): Answer => {
    if (req.headers.authorization !== authorization) return answer(401, { title: 'Unauthorized' });
    if (req.path !== `/api/v1/dags/${dagId}/dagRuns`)
      return answer(404, { title: 'DAG not found' });
    const body = json(req);
    const allowed = [
      'dag_run_id',
      'logical_date',
      'execution_date',
      'conf',
      'note',
      'data_interval_start',
      'data_interval_end',
    ];
    if (
      body === undefined ||
      Object.keys(body).some((k) => !allowed.includes(k)) ||
      typeof body.dag_run_id !== 'string' ||
      !/^[A-Za-z0-9_.~:+-]+$/.test(body.dag_run_id) ||
      !isObject(body.conf)
    ) {
      return answer(400, { title: 'Bad request' });
    }
    if (runs.has(body.dag_run_id)) {
      return answer(409, {
        title: 'Conflict',
        detail: `DAGRun with DAG ID: '${dagId}' and DAGRun ID: '${body.dag_run_id}' already exists`,
      });
    }
    runs.set(body.dag_run_id, body);
    return answer(200, {
      dag_id: dagId,
      dag_run_id: body.dag_run_id,
      state: 'queued',
      conf: body.conf,
    });
  };
  return { handler, runs };
}

/** Kubeflow Pipelines v2: POST /apis/v2beta1/runs, bearer token required. */
export function kubeflowApi(token: string) {
  const runs: Json[] = [];
  const handler = (req: Received): Answer => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return answer(401, { error: 'unauthenticated' });
    if (req.path !== '/apis/v2beta1/runs') return answer(404, { error: 'not found' });
    const body = json(req);
    const ref = body?.pipeline_version_reference;
    const config = body?.runtime_config;
    if (
      body === undefined ||
      typeof body.display_name !== 'string' ||
      !isObject(ref) ||
      typeof ref.pipeline_id !== 'string' ||
      !isObject(config) ||
      !isObject(config.parameters) ||
      (body.experiment_id !== undefined && typeof body.experiment_id !== 'string')
    ) {
      return answer(400, { error: 'invalid run', code: 3 });
    }
    runs.push(body);
    return answer(200, {
      run_id: `run-${runs.length}`,
      display_name: body.display_name,
      state: 'PENDING',
    });
  };
  return { handler, runs };
}

/** GitHub REST: POST /repos/{owner}/{repo}/dispatches; 204, or 422 for > 10 payload keys. */
export function githubApi(owner: string, repo: string, token: string) {
  const events: Json[] = [];
  const handler = (req: Received): Answer => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return answer(401, { message: 'Bad credentials' });
    if (req.path !== `/repos/${owner}/${repo}/dispatches`)
      return answer(404, { message: 'Not Found' });
    if (req.headers.accept !== 'application/vnd.github+json')
      return answer(415, { message: 'Unsupported Media Type' });
    if (req.headers['x-github-api-version'] !== '2022-11-28')
      return answer(400, { message: 'Bad API version' });
    if (req.headers['user-agent'] === undefined)
      return answer(403, { message: 'User agent required' });
    const body = json(req);
    if (body === undefined || typeof body.event_type !== 'string' || body.event_type.length > 100) {
      return answer(422, { message: 'Invalid request.' });
    }
    if (body.client_payload !== undefined) {
      if (!isObject(body.client_payload)) return answer(422, { message: 'Invalid request.' });
      if (Object.keys(body.client_payload).length > 10) {
        return answer(422, {
          message: 'Invalid request.\n\nNo more than 10 properties are allowed; 11 were supplied.',
          documentation_url:
            'https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event',
        });
      }
    }
    events.push(body);
    return { status: 204 };
  };
  return { handler, events };
}

/** A Standard Webhooks receiver verifying each message with the `standardwebhooks` package. */
export function webhookReceiver(secret: string) {
  const messages: Array<{ id: string; payload: Json }> = [];
  const wh = new Webhook(secret);
  const handler = (req: Received): Answer => {
    const h = (name: string) => String(req.headers[name] ?? '');
    try {
      const payload = wh.verify(req.body, {
        'webhook-id': h('webhook-id'),
        'webhook-timestamp': h('webhook-timestamp'),
        'webhook-signature': h('webhook-signature'),
      }) as Json;
      messages.push({ id: h('webhook-id'), payload });
      return { status: 204 };
    } catch (err) {
      return answer(401, { error: (err as Error).message });
    }
  };
  return { handler, messages };
}
