// The Slack message of one trigger (Block Kit, through a configured slack channel): one message
// per evidence key, naming the model, the reason, the window, the drifted features and the
// targets that were triggered.

import type { ChannelConfigOf } from '../alerts/channels/config';
import { escapeMrkdwn, slackRequest } from '../alerts/channels/slack';
import type { OutboundRequest } from '../outbox/request';
import { driftedFeatures, type TriggerContext } from './payload';

const REASON_TEXT = {
  dataset_drift: 'dataset drift',
  features_drift: 'feature drift',
  slo_burn: 'quality SLO burning',
} as const;

const MAX_FEATURES = 10;

function field(label: string, value: string) {
  const text = `*${label}*\n${escapeMrkdwn(value)}`;
  return { type: 'mrkdwn', text: text.length <= 2000 ? text : `${text.slice(0, 1999)}…` };
}

/** Returns the Block Kit message for a trigger fired to `targets` (their names). */
export function retrainSlackMessage(
  c: TriggerContext,
  targets: readonly string[],
): Record<string, unknown> {
  const e = c.evidence;
  const title = `Retraining triggered for model ${e.model}: ${REASON_TEXT[c.trigger.reason]}`;
  const features = driftedFeatures(e);
  const shown = features
    .slice(0, MAX_FEATURES)
    .map(
      (f) => `${f.name} (${f.method} ${f.statistic === null ? '—' : f.statistic.toPrecision(3)})`,
    );
  if (features.length > MAX_FEATURES) shown.push(`…and ${features.length - MAX_FEATURES} more`);
  const fields = [
    field('Model', e.modelVersion === null ? e.model : `${e.model} (${e.modelVersion})`),
    field('Reason', REASON_TEXT[c.trigger.reason]),
    field('Window', `${e.window.from} → ${e.window.to}`),
    field('Targets', targets.join(', ')),
  ];
  if (shown.length > 0) fields.push(field('Drifted features', shown.join('\n')));
  if (e.slo !== undefined) fields.push(field('SLO', `${e.slo.name} (${e.slo.severity})`));
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `:repeat: ${title}`.slice(0, 150), emoji: true },
    },
    { type: 'section', fields },
  ];
  const context = [`trigger ${c.trigger.idempotencyKey}`];
  if (e.reportUrl !== undefined) {
    context.push(`<${e.reportUrl.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|Drift report>`);
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  return { text: title, blocks };
}

/** Returns the request carrying the trigger's Slack message to the channel `config`. */
export function renderRetrainSlack(
  c: TriggerContext,
  targets: readonly string[],
  config: ChannelConfigOf<'slack'>,
): OutboundRequest {
  return slackRequest(retrainSlackMessage(c, targets), config);
}
