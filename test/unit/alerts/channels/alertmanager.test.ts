import { renderNotification, signAttempt } from '../../../../src/alerts/channels';
import { ZERO_TIME } from '../../../../src/alerts/channels/alertmanager';
import { destinationKey } from '../../../../src/outbox/request';
import { alertmanagerConfig, firing, NOW, resolved } from './fixtures';

function payload(n = firing, config = alertmanagerConfig) {
  return JSON.parse(renderNotification(n, config, NOW).body);
}

describe('alertmanager channel', () => {
  it('posts to the configured URL, unsigned and unpaced', () => {
    const request = renderNotification(firing, alertmanagerConfig, NOW);
    expect(request).toMatchObject({
      method: 'POST',
      url: alertmanagerConfig.url,
      destinationKey: destinationKey('alertmanager', alertmanagerConfig.url),
    });
    expect(request.rateLimit).toBeUndefined();
    expect(signAttempt(request, 'msg_1', NOW, alertmanagerConfig)).toBe(request);
  });

  it('has exactly the version 4 webhook fields', () => {
    const body = payload();
    expect(Object.keys(body).sort()).toEqual(
      [
        'alerts',
        'commonAnnotations',
        'commonLabels',
        'externalURL',
        'groupKey',
        'groupLabels',
        'receiver',
        'status',
        'truncatedAlerts',
        'version',
      ].sort(),
    );
    expect(body).toMatchObject({
      version: '4',
      receiver: 'am',
      status: 'firing',
      truncatedAlerts: 0,
      externalURL: 'https://insight.example.com',
      groupLabels: { model: 'llama-3-8b' },
      groupKey: '{}:{model="llama-3-8b"}',
    });
  });

  it('describes the firing alert with labels, annotations and the zero end time', () => {
    const body = payload();
    expect(body.alerts).toHaveLength(1);
    const [alert] = body.alerts;
    expect(Object.keys(alert).sort()).toEqual(
      [
        'annotations',
        'endsAt',
        'fingerprint',
        'generatorURL',
        'labels',
        'startsAt',
        'status',
      ].sort(),
    );
    expect(alert).toEqual({
      status: 'firing',
      // Ours override a user label of the same name (severity), the user's others are kept.
      labels: {
        alertname: 'ttft-p95',
        slo: 'ttft-p95',
        model: 'llama-3-8b',
        severity: 'page',
        team: 'inference',
      },
      annotations: {
        summary: '[FIRING] page: SLO ttft-p95 for model llama-3-8b',
        description:
          'SLI 98.12 % vs 99.50 % objective; error budget remaining -12.50 %; burn rates 1h 15.20x · 5m 16.04x.',
        runbook_url: 'https://runbooks.example.com/ttft',
      },
      startsAt: '2026-11-28T07:41:00.000Z',
      endsAt: ZERO_TIME,
      generatorURL: 'https://insight.example.com',
      fingerprint: 'ttft-p95|llama-3-8b|page',
    });
    expect(body.commonLabels).toEqual(alert.labels);
    expect(body.commonAnnotations).toEqual(alert.annotations);
  });

  it('ends a resolved alert at its resolution time', () => {
    const body = payload(resolved);
    expect(body.status).toBe('resolved');
    expect(body.alerts[0]).toMatchObject({
      status: 'resolved',
      endsAt: '2026-11-28T08:21:00.000Z',
    });
  });

  it('lets a user summary replace ours and leaves URLs empty when none is known', () => {
    const n = { ...firing, annotations: { summary: 'TTFT too slow' } };
    const body = payload(n, { name: 'am', kind: 'alertmanager', url: alertmanagerConfig.url });
    expect(body.alerts[0].annotations.summary).toBe('TTFT too slow');
    expect(body.externalURL).toBe('');
    expect(body.alerts[0].generatorURL).toBe('');
  });
});
