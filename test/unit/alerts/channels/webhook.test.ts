import { renderNotification, signAttempt } from '../../../../src/alerts/channels';
import { WEBHOOK_EVENT_TYPES } from '../../../../src/alerts/channels/webhook';
import { destinationKey } from '../../../../src/outbox/request';
import { verifyWebhook } from '../../../../src/outbox/standard-webhooks';
import { firing, NOW, resolved, SECRET, webhookConfig } from './fixtures';

describe('webhook channel', () => {
  it('renders {type, timestamp, data} with the alert as data, unsigned', () => {
    const request = renderNotification(firing, webhookConfig, NOW);
    expect(request).toMatchObject({
      method: 'POST',
      url: webhookConfig.url,
      destinationKey: destinationKey('webhook', webhookConfig.url),
    });
    expect(request.rateLimit).toBeUndefined();
    expect(Object.keys(request.headers).filter((h) => h.startsWith('webhook-'))).toEqual([]);
    expect(JSON.parse(request.body)).toEqual({
      type: 'insightagent.alert.firing',
      timestamp: '2026-11-28T08:00:00.000Z',
      data: {
        status: 'firing',
        fingerprint: 'ttft-p95|llama-3-8b|page',
        slo: 'ttft-p95',
        model: 'llama-3-8b',
        severity: 'page',
        sli: 0.9812,
        objective: 0.995,
        budget_remaining: -0.125,
        burn_rates: { '1h': 15.2, '5m': 16.04 },
        started_at: '2026-11-28T07:41:00.000Z',
        resolved_at: null,
        labels: { team: 'inference', severity: 'user-says-low' },
        annotations: { runbook_url: 'https://runbooks.example.com/ttft' },
        links: { ui: null, grafana: null },
      },
    });
  });

  it('types a resolved alert as such, with its resolution time', () => {
    const body = JSON.parse(renderNotification(resolved, webhookConfig, NOW).body);
    expect(body.type).toBe(WEBHOOK_EVENT_TYPES.resolved);
    expect(body.type).toBe('insightagent.alert.resolved');
    expect(body.data.resolved_at).toBe('2026-11-28T08:21:00.000Z');
  });

  it('signs each attempt with the same id and a fresh timestamp; receivers verify both', () => {
    const request = renderNotification(firing, webhookConfig, NOW);
    const later = new Date(NOW.getTime() + 120_000);
    const first = signAttempt(request, 'msg_42', NOW, webhookConfig);
    const retry = signAttempt(request, 'msg_42', later, webhookConfig);
    expect(first.body).toBe(request.body);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['webhook-id']).toBe('msg_42');
    expect(retry.headers['webhook-id']).toBe('msg_42');
    expect(first.headers['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(retry.headers['webhook-timestamp']).toBe(String(later.getTime() / 1000));
    expect(verifyWebhook([SECRET], first.body, first.headers, NOW)).toEqual({ ok: true });
    expect(verifyWebhook([SECRET], retry.body, retry.headers, later)).toEqual({ ok: true });
    // The rendered request is left as it was: it is what the outbox stores.
    expect(request.headers['webhook-id']).toBeUndefined();
  });

  it('signs with every configured secret while one is rotated', () => {
    const next = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const config = { ...webhookConfig, secret: [SECRET, next] };
    const signed = signAttempt(renderNotification(firing, config, NOW), 'msg_1', NOW, config);
    expect(signed.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(verifyWebhook([next], signed.body, signed.headers, NOW).ok).toBe(true);
  });
});
