// Notifications and channel configs shared by the channel tests.
import type { ChannelConfigOf } from '../../../../src/alerts/channels/config';
import type { AlertNotification } from '../../../../src/alerts/notification';

export const SLACK_URL = 'https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX';
export const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
export const NOW = new Date('2026-11-28T08:00:00.000Z');

export const firing: AlertNotification = {
  status: 'firing',
  fingerprint: 'ttft-p95|llama-3-8b|page',
  slo: 'ttft-p95',
  model: 'llama-3-8b',
  severity: 'page',
  sli: 0.9812,
  objective: 0.995,
  budget_remaining: -0.125,
  burn_rates: { '1h': 15.2, '5m': 16.04 },
  started_at: new Date('2026-11-28T07:41:00.000Z'),
  labels: { team: 'inference', severity: 'user-says-low' },
  annotations: { runbook_url: 'https://runbooks.example.com/ttft' },
  links: {},
};

export const resolved: AlertNotification = {
  ...firing,
  status: 'resolved',
  resolved_at: new Date('2026-11-28T08:21:00.000Z'),
  burn_rates: { '1h': 0.4, '5m': 0 },
};

export const slackConfig: ChannelConfigOf<'slack'> = {
  name: 'oncall',
  kind: 'slack',
  url: SLACK_URL,
  ui_url: 'https://insight.example.com/slos',
  grafana_url: 'https://grafana.example.com/d/insightagent',
};

export const webhookConfig: ChannelConfigOf<'webhook'> = {
  name: 'pager-bridge',
  kind: 'webhook',
  url: 'https://bridge.example.com/hooks/insightagent?token=abc123',
  secret: [SECRET],
};

export const alertmanagerConfig: ChannelConfigOf<'alertmanager'> = {
  name: 'am',
  kind: 'alertmanager',
  url: 'http://alertmanager.example.com:9093/hook',
  ui_url: 'https://insight.example.com',
};
