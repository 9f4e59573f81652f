import { renderNotification, signAttempt } from '../../../../src/alerts/channels';
import { escapeMrkdwn, SLACK_MIN_INTERVAL_MS } from '../../../../src/alerts/channels/slack';
import { destinationKey } from '../../../../src/outbox/request';
import { firing, NOW, resolved, SLACK_URL, slackConfig } from './fixtures';

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: string }[];
}

function message(n = firing, config = slackConfig) {
  const request = renderNotification(n, config, NOW);
  return { request, body: JSON.parse(request.body) as { text: string; blocks: Block[] } };
}

function fields(blocks: Block[]): Record<string, string> {
  const section = blocks.find((b) => b.type === 'section');
  const out: Record<string, string> = {};
  for (const f of section?.fields ?? []) {
    const [label, ...value] = f.text.split('\n');
    out[label?.replace(/\*/g, '') ?? ''] = value.join('\n');
  }
  return out;
}

describe('slack channel', () => {
  it('posts JSON to the incoming webhook, paced at one message per second per URL', () => {
    const { request } = message();
    expect(request).toMatchObject({
      method: 'POST',
      url: SLACK_URL,
      destinationKey: destinationKey('slack', SLACK_URL),
      rateLimit: { minIntervalMs: SLACK_MIN_INTERVAL_MS },
    });
    expect(SLACK_MIN_INTERVAL_MS).toBe(1000);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.destinationKey).not.toContain('hooks.slack.com');
  });

  it('has a header with status, severity, SLO and model, and a text fallback', () => {
    const { body } = message();
    const header = body.blocks[0];
    expect(header?.type).toBe('header');
    expect(header?.text?.type).toBe('plain_text');
    expect(header?.text?.text).toBe(
      ':rotating_light: [FIRING] page: SLO ttft-p95 for model llama-3-8b',
    );
    expect(body.text).toBe('[FIRING] page: SLO ttft-p95 for model llama-3-8b');
  });

  it('has fields for model, SLO, SLI vs objective, budget, burn rates and severity', () => {
    expect(fields(message().body.blocks)).toEqual({
      Model: 'llama-3-8b',
      SLO: 'ttft-p95',
      'SLI vs objective': '98.12 % vs 99.50 %',
      'Budget remaining': '-12.50 %',
      'Burn rates': '1h 15.20x · 5m 16.04x',
      Severity: 'page',
      Started: '2026-11-28T07:41:00.000Z',
    });
  });

  it('links to the UI and to Grafana when configured', () => {
    const context = message().body.blocks.find((b) => b.type === 'context');
    expect(context?.elements?.[0]?.text).toBe(
      '<https://insight.example.com/slos|Open in InsightAgent> · <https://grafana.example.com/d/insightagent|Grafana dashboard>',
    );
  });

  it('prefers the notification deep links over the configured base URLs', () => {
    const n = { ...firing, links: { grafana: 'https://grafana.example.com/d/x?var-model=a|b' } };
    const context = message(n).body.blocks.find((b) => b.type === 'context');
    expect(context?.elements?.[0]?.text).toContain(
      '<https://grafana.example.com/d/x?var-model=a%7Cb|Grafana dashboard>',
    );
  });

  it('has no context block when no link is known', () => {
    const { body } = message(firing, { name: 'bare', kind: 'slack', url: SLACK_URL });
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section']);
  });

  it('sends a resolved message with the resolution time', () => {
    const { body } = message(resolved);
    expect(body.blocks[0]?.text?.text).toBe(
      ':white_check_mark: [RESOLVED] page: SLO ttft-p95 for model llama-3-8b',
    );
    expect(fields(body.blocks)).toMatchObject({
      Resolved: '2026-11-28T08:21:00.000Z',
      'Burn rates': '1h 0.40x · 5m 0.00x',
    });
  });

  it('escapes mrkdwn control characters in values and truncates a long header', () => {
    expect(escapeMrkdwn('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
    const n = { ...firing, model: `<${'m'.repeat(200)}>` };
    const { body } = message(n);
    expect(fields(body.blocks).Model).toBe(`&lt;${'m'.repeat(200)}&gt;`);
    expect(body.blocks[0]?.text?.text).toHaveLength(150);
    expect(body.blocks[0]?.text?.text.endsWith('…')).toBe(true);
  });

  it('does not sign: the attempt is the rendered request', () => {
    const { request } = message();
    expect(signAttempt(request, 'msg_1', NOW, slackConfig)).toBe(request);
  });
});
