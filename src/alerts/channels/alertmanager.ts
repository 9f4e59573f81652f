// Alertmanager webhook payload (version "4"), for teams that route alerts through Alertmanager
// or anything that reads its webhook format. One alert per message, grouped by model.
import { destinationKey, type OutboundRequest } from '../../outbox/request';
import type { AlertNotification } from '../notification';
import { type Channel, JSON_HEADERS } from './channel';
import type { ChannelConfigOf } from './config';
import { description, summary } from './format';

type AlertmanagerConfig = ChannelConfigOf<'alertmanager'>;

/** Alertmanager's `endsAt` for an alert still firing: Go's zero time. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

// Alertmanager renders a group key as `{route matchers}:{group labels}` with quoted values.
function groupKey(groupLabels: Record<string, string>): string {
  const pairs = Object.entries(groupLabels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `{}:{${pairs.join(', ')}}`;
}

/** Returns the Alertmanager webhook payload (version "4") for a notification. */
export function alertmanagerPayload(
  n: AlertNotification,
  config: AlertmanagerConfig,
): Record<string, unknown> {
  // Our labels win over user labels of the same name, so routing on them is reliable.
  const labels = {
    ...n.labels,
    alertname: n.slo,
    slo: n.slo,
    model: n.model,
    severity: n.severity,
  };
  // User annotations win: a configured summary or runbook replaces ours.
  const annotations = { summary: summary(n), description: description(n), ...n.annotations };
  const endsAt =
    n.status === 'resolved' && n.resolved_at !== undefined
      ? n.resolved_at.toISOString()
      : ZERO_TIME;
  const groupLabels = { model: n.model };
  return {
    version: '4',
    groupKey: groupKey(groupLabels),
    truncatedAlerts: 0,
    status: n.status,
    receiver: config.name,
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: config.ui_url ?? '',
    alerts: [
      {
        status: n.status,
        labels,
        annotations,
        startsAt: n.started_at.toISOString(),
        endsAt,
        generatorURL: n.links.ui ?? config.ui_url ?? '',
        fingerprint: n.fingerprint,
      },
    ],
  };
}

/**
 * Returns one payload for several notifications of one model, as Alertmanager groups: every
 * alert in `alerts`, status firing while any fires, common labels and annotations those shared.
 */
export function alertmanagerGroupPayload(
  notifications: readonly AlertNotification[],
  config: AlertmanagerConfig,
): Record<string, unknown> {
  const payloads = notifications.map((n) => alertmanagerPayload(n, config));
  const alerts = payloads.flatMap((p) => p.alerts as Record<string, unknown>[]);
  const common = (key: 'labels' | 'annotations') => {
    const [first, ...rest] = alerts.map((a) => a[key] as Record<string, string>);
    return Object.fromEntries(
      Object.entries(first ?? {}).filter(([k, v]) => rest.every((other) => other[k] === v)),
    );
  };
  return {
    ...payloads[0],
    status: notifications.some((n) => n.status === 'firing') ? 'firing' : 'resolved',
    commonLabels: common('labels'),
    commonAnnotations: common('annotations'),
    alerts,
  };
}

function alertmanagerRequest(body: Record<string, unknown>, config: AlertmanagerConfig) {
  return {
    method: 'POST' as const,
    url: config.url,
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
    destinationKey: destinationKey('alertmanager', config.url),
  };
}

/** The Alertmanager entry of the channel table. */
export const alertmanagerChannel: Channel<AlertmanagerConfig> = {
  render: (n, config): OutboundRequest =>
    alertmanagerRequest(alertmanagerPayload(n, config), config),
  renderGroup: (notifications, config): OutboundRequest =>
    alertmanagerRequest(alertmanagerGroupPayload(notifications, config), config),
  sign: (request) => request,
};
