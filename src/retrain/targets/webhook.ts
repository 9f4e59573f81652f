// Generic webhook target: a Standard Webhooks message `{type: "retrain.triggered", timestamp,
// data}`, signed on each attempt with the target's `whsec_` secrets (webhook-id = trigger id).
import { destinationKey, type OutboundRequest } from '../../outbox/request';
import { signWebhook } from '../../outbox/standard-webhooks';
import type { RetrainTargetOf } from '../config';
import { type TriggerContext, triggerPayload } from '../payload';
import { JSON_HEADERS, type TargetKindImpl } from './target';

type WebhookTarget = RetrainTargetOf<'webhook'>;

/** The event type a webhook receiver sees. */
export const RETRAIN_EVENT_TYPE = 'retrain.triggered';

/** Returns the Standard Webhooks body: event type, event time and the trigger as data. */
export function webhookRetrainBody(c: TriggerContext): Record<string, unknown> {
  return { type: RETRAIN_EVENT_TYPE, timestamp: c.at.toISOString(), data: triggerPayload(c) };
}

/** The webhook entry of the target table. */
export const webhookTarget: TargetKindImpl<WebhookTarget> = {
  render(c, t): OutboundRequest {
    return {
      method: 'POST',
      url: t.url,
      headers: JSON_HEADERS,
      body: JSON.stringify(webhookRetrainBody(c)),
      destinationKey: destinationKey('webhook', t.url),
    };
  },
  destination: (t) => ({
    url: t.url,
    secrets: [t.url, ...t.secret],
    sign: (request, id, now) => ({
      ...request,
      headers: { ...request.headers, ...signWebhook(t.secret, id, now, request.body) },
    }),
  }),
};
