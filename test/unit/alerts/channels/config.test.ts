import { channels } from '../../../../src/alerts/channels';
import {
  CHANNEL_KINDS,
  channelSecrets,
  parseChannels,
  redactChannel,
} from '../../../../src/alerts/channels/config';
import { ConfigError } from '../../../../src/errors';
import { REDACTED, scrubSecrets } from '../../../../src/outbox/redact';
import { SECRET, SLACK_URL, slackConfig, webhookConfig } from './fixtures';

describe('channel table', () => {
  it('has exactly one entry per kind', () => {
    expect(Object.keys(channels).sort()).toEqual([...CHANNEL_KINDS].sort());
  });
});

describe('parseChannels', () => {
  it('accepts each kind and normalises a single webhook secret to a list', () => {
    const parsed = parseChannels([
      { name: 'oncall', kind: 'slack', url: SLACK_URL, grafana_url: 'https://grafana.example.com' },
      { name: 'bridge', kind: 'webhook', url: 'https://bridge.example.com/h', secret: SECRET },
      { name: 'am', kind: 'alertmanager', url: 'http://127.0.0.1:9093/hook' },
    ]);
    expect(parsed.map((c) => c.kind)).toEqual(['slack', 'webhook', 'alertmanager']);
    expect(parsed[1]).toMatchObject({ secret: [SECRET] });
  });

  it('accepts several webhook secrets for rotation', () => {
    const next = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
    const [c] = parseChannels([
      { name: 'b', kind: 'webhook', url: 'https://b.example.com', secret: [SECRET, next] },
    ]);
    expect(c).toMatchObject({ secret: [SECRET, next] });
  });

  const short = `whsec_${Buffer.alloc(16, 1).toString('base64')}`;
  it.each([
    [[{ name: 'x', kind: 'email', url: SLACK_URL }], 'channels[0].kind'],
    [[{ name: 'x', kind: 'slack' }], 'channels[0].url'],
    [[{ name: 'x', kind: 'slack', url: 'ftp://example.com/x' }], 'http:// or https://'],
    [[{ name: 'x', kind: 'slack', url: SLACK_URL, secret: SECRET }], 'channels[0]'],
    [[{ name: 'x', kind: 'webhook', url: SLACK_URL }], 'channels[0].secret'],
    [[{ name: 'x', kind: 'webhook', url: SLACK_URL, secret: 'hunter2' }], 'whsec_'],
    [[{ name: 'x', kind: 'webhook', url: SLACK_URL, secret: short }], '24 to 64'],
    [[{ name: 'x', kind: 'webhook', url: SLACK_URL, secret: [] }], 'channels[0].secret'],
    [[{ name: 'has space', kind: 'slack', url: SLACK_URL }], 'channels[0].name'],
    [
      [
        { name: 'a', kind: 'slack', url: SLACK_URL },
        { name: 'a', kind: 'alertmanager', url: SLACK_URL },
      ],
      'channels[1].name: duplicate name "a"',
    ],
  ])('refuses %j, naming %s', (raw, expected) => {
    expect(() => parseChannels(raw)).toThrow(ConfigError);
    expect(() => parseChannels(raw)).toThrow(expected);
  });

  it('never echoes a bad secret in its error', () => {
    const raw = [{ name: 'x', kind: 'webhook', url: SLACK_URL, secret: 'whsec_tooShortButSecret' }];
    expect(() => parseChannels(raw)).toThrow(/^(?![\s\S]*tooShortButSecret)/);
  });
});

describe('redactChannel', () => {
  it('keeps name, kind and links, and hides the webhook URL path and every secret', () => {
    const next = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
    const redacted = redactChannel({ ...webhookConfig, secret: [SECRET, next] });
    expect(redacted).toEqual({
      name: 'pager-bridge',
      kind: 'webhook',
      url: `https://bridge.example.com/${REDACTED}`,
      secret: [REDACTED, REDACTED],
    });
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(SECRET.slice(6));
    expect(text).not.toContain(next.slice(6));
    expect(text).not.toContain('abc123');
  });

  it('hides a Slack webhook key', () => {
    const redacted = redactChannel(slackConfig);
    expect(redacted).toEqual({
      name: 'oncall',
      kind: 'slack',
      url: `https://hooks.slack.com/${REDACTED}`,
      ui_url: slackConfig.ui_url,
      grafana_url: slackConfig.grafana_url,
    });
    expect(JSON.stringify(redacted)).not.toContain('XXXXXXXX');
  });

  it('lists the secrets to scrub from error text', () => {
    const error = `POST ${webhookConfig.url} failed; signed with ${SECRET}`;
    expect(scrubSecrets(error, channelSecrets(webhookConfig))).toBe(
      `POST ${REDACTED} failed; signed with ${REDACTED}`,
    );
    expect(channelSecrets(slackConfig)).toEqual([SLACK_URL]);
  });
});
