// Kubeflow Pipelines v2: POST {url}/apis/v2beta1/runs with `{display_name,
// pipeline_version_reference: {pipeline_id, pipeline_version_id}, runtime_config: {parameters},
// experiment_id}`. KFP does not refuse a second run of the same name; the display name carries
// the evidence key so a duplicate is visible (and the outbox never sends one message twice).
import { destinationKey, type OutboundRequest } from '../../outbox/request';
import type { RetrainTargetOf } from '../config';
import { driftedFeatures, sloPayload, type TriggerContext } from '../payload';
import { authorizedDestination, JSON_HEADERS, joinUrl, type TargetKindImpl } from './target';

type KubeflowTarget = RetrainTargetOf<'kubeflow'>;

/** Returns the run's display name: `insightagent-retrain-<model>-<key>`. */
export function runDisplayName(c: TriggerContext): string {
  return `insightagent-retrain-${c.trigger.model}-${c.trigger.idempotencyKey}`;
}

/** Returns the create-run URL of the target. */
export function kubeflowUrl(t: KubeflowTarget): string {
  return joinUrl(t.url, '/apis/v2beta1/runs');
}

/**
 * Returns the pipeline's runtime parameters: scalars as strings ("" when absent, so a pipeline
 * declaring `str` inputs accepts them), `drifted_features` as a list, `dataset_drift` a boolean.
 */
export function kubeflowParameters(c: TriggerContext): Record<string, unknown> {
  const e = c.evidence;
  const ref = e.reference;
  return {
    trigger_id: c.trigger.triggerId,
    model: e.model,
    model_version: e.modelVersion ?? '',
    reason: c.trigger.reason,
    window_from: e.window.from,
    window_to: e.window.to,
    reference_from: ref !== undefined && 'from' in ref ? ref.from : '',
    reference_to: ref !== undefined && 'to' in ref ? ref.to : '',
    reference_profile: ref !== undefined && 'profile' in ref ? ref.profile : '',
    report_id: e.reportId ?? '',
    report_url: e.reportUrl ?? '',
    dataset_drift: e.datasetDrift ?? false,
    drifted_features: driftedFeatures(e),
    slo: sloPayload(e)?.name ?? '',
  };
}

/** Returns the body of POST /apis/v2beta1/runs. */
export function kubeflowBody(c: TriggerContext, t: KubeflowTarget): Record<string, unknown> {
  const ref: Record<string, string> = { pipeline_id: t.pipeline_id };
  if (t.pipeline_version_id !== undefined) ref.pipeline_version_id = t.pipeline_version_id;
  const body: Record<string, unknown> = {
    display_name: runDisplayName(c),
    description: `Retraining triggered by InsightAgent (${c.trigger.reason}, window ${c.evidence.window.from} to ${c.evidence.window.to})`,
    pipeline_version_reference: ref,
    runtime_config: { parameters: kubeflowParameters(c) },
  };
  if (t.experiment_id !== undefined) body.experiment_id = t.experiment_id;
  return body;
}

/** The Kubeflow entry of the target table. */
export const kubeflowTarget: TargetKindImpl<KubeflowTarget> = {
  render(c, t): OutboundRequest {
    const url = kubeflowUrl(t);
    return {
      method: 'POST',
      url,
      headers: JSON_HEADERS,
      body: JSON.stringify(kubeflowBody(c, t)),
      destinationKey: destinationKey('kubeflow', url),
    };
  },
  destination: (t) =>
    authorizedDestination(kubeflowUrl(t), t.token === undefined ? undefined : `Bearer ${t.token}`, [
      t.token,
    ]),
};
