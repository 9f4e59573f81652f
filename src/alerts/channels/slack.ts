// Slack incoming webhook, Block Kit: a header with status, severity, SLO and model; fields with
// the numbers; a context line linking to the UI and Grafana. Slack allows about one message per
// second per incoming webhook, so the request carries that pace.
import { destinationKey, type OutboundRequest } from '../../outbox/request';
import type { AlertNotification } from '../notification';
import { type Channel, JSON_HEADERS } from './channel';
import type { ChannelConfigOf } from './config';
import { burnRatesText, percent, sliText, summary } from './format';

type SlackConfig = ChannelConfigOf<'slack'>;

/** Slack's pace for one incoming webhook: one message per second. */
export const SLACK_MIN_INTERVAL_MS = 1000;

// Block Kit limits: header text 150 characters, section field text 2000.
const HEADER_MAX = 150;
const FIELD_MAX = 2000;

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function field(label: string, value: string) {
  return { type: 'mrkdwn', text: truncate(`*${label}*\n${escapeMrkdwn(value)}`, FIELD_MAX) };
}

// A link inside <url|text> must not contain "|" or ">"; percent-encoding them keeps the URL valid.
function link(url: string, text: string): string {
  return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${text}>`;
}

/** Returns the Block Kit message (text fallback plus blocks) for a notification. */
export function slackMessage(n: AlertNotification, config: SlackConfig): Record<string, unknown> {
  const icon = n.status === 'firing' ? ':rotating_light:' : ':white_check_mark:';
  const fields = [
    field('Model', n.model),
    field('SLO', n.slo),
    field('SLI vs objective', sliText(n)),
    field('Budget remaining', percent(n.budget_remaining)),
    field('Burn rates', burnRatesText(n.burn_rates)),
    field('Severity', n.severity),
    field('Started', n.started_at.toISOString()),
  ];
  if (n.status === 'resolved' && n.resolved_at !== undefined) {
    fields.push(field('Resolved', n.resolved_at.toISOString()));
  }
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${icon} ${summary(n)}`, HEADER_MAX),
        emoji: true,
      },
    },
    { type: 'section', fields },
  ];
  const links: string[] = [];
  const ui = n.links.ui ?? config.ui_url;
  const grafana = n.links.grafana ?? config.grafana_url;
  if (ui !== undefined) links.push(link(ui, 'Open in InsightAgent'));
  if (grafana !== undefined) links.push(link(grafana, 'Grafana dashboard'));
  if (links.length > 0) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: links.join(' · ') }] });
  }
  // `text` is the notification and screen-reader fallback when blocks are present.
  return { text: summary(n), blocks };
}

// Block Kit allows 50 blocks per message; each alert takes at most 4 (divider, header, fields,
// links), so a group shows this many alerts and counts the rest.
const GROUP_MAX_ALERTS = 10;

/** Returns one Block Kit message for several notifications of one model, divided per alert. */
export function slackGroupMessage(
  notifications: readonly AlertNotification[],
  config: SlackConfig,
): Record<string, unknown> {
  const shown = notifications.slice(0, GROUP_MAX_ALERTS);
  const blocks = shown.flatMap((n, i) => {
    const own = slackMessage(n, config).blocks as Record<string, unknown>[];
    return i === 0 ? own : [{ type: 'divider' }, ...own];
  });
  const hidden = notifications.length - shown.length;
  if (hidden > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${hidden} more alert(s) for this model` }],
    });
  }
  return { text: notifications.map(summary).join('\n'), blocks };
}

/** Returns the request carrying a Block Kit `body` to the Slack channel `config` (with its pace). */
export function slackRequest(body: Record<string, unknown>, config: SlackConfig): OutboundRequest {
  return {
    method: 'POST',
    url: config.url,
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
    destinationKey: destinationKey('slack', config.url),
    rateLimit: { minIntervalMs: SLACK_MIN_INTERVAL_MS },
  };
}

/** The Slack entry of the channel table. */
export const slackChannel: Channel<SlackConfig> = {
  render: (n, config) => slackRequest(slackMessage(n, config), config),
  renderGroup: (notifications, config) =>
    slackRequest(slackGroupMessage(notifications, config), config),
  sign: (request) => request,
};
