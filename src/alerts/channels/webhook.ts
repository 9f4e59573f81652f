// Generic webhook: a Standard Webhooks payload `{type, timestamp, data}`, signed per attempt.
import { destinationKey, type OutboundRequest } from '../../outbox/request';
import { signWebhook } from '../../outbox/standard-webhooks';
import type { AlertNotification } from '../notification';
import { type Channel, JSON_HEADERS } from './channel';
import type { ChannelConfigOf } from './config';

type WebhookConfig = ChannelConfigOf<'webhook'>;

/** The event types a webhook receiver sees. */
export const WEBHOOK_EVENT_TYPES = {
  firing: 'insightagent.alert.firing',
  resolved: 'insightagent.alert.resolved',
} as const;

/** Returns the webhook body: event type, event time (ISO 8601) and the alert as data. */
export function webhookPayload(n: AlertNotification, now: Date): Record<string, unknown> {
  return {
    type: WEBHOOK_EVENT_TYPES[n.status],
    timestamp: now.toISOString(),
    data: {
      status: n.status,
      fingerprint: n.fingerprint,
      slo: n.slo,
      model: n.model,
      severity: n.severity,
      sli: n.sli,
      objective: n.objective,
      budget_remaining: n.budget_remaining,
      burn_rates: { ...n.burn_rates },
      started_at: n.started_at.toISOString(),
      resolved_at: n.resolved_at?.toISOString() ?? null,
      labels: { ...n.labels },
      annotations: { ...n.annotations },
      links: { ui: n.links.ui ?? null, grafana: n.links.grafana ?? null },
    },
  };
}

/** The webhook entry of the channel table. */
export const webhookChannel: Channel<WebhookConfig> = {
  render(n, config, now): OutboundRequest {
    return {
      method: 'POST',
      url: config.url,
      headers: JSON_HEADERS,
      body: JSON.stringify(webhookPayload(n, now)),
      destinationKey: destinationKey('webhook', config.url),
    };
  },
  sign(request, id, now, config): OutboundRequest {
    const signed = signWebhook(config.secret, id, now, request.body);
    return { ...request, headers: { ...request.headers, ...signed } };
  },
};
