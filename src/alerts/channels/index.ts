// The channel table: one entry per kind (a new kind is one new entry), and the two steps the
// outbox calls — render when a message is made, sign on each attempt.
import type { OutboundRequest } from '../../outbox/request';
import type { AlertNotification } from '../notification';
import { alertmanagerChannel } from './alertmanager';
import type { Channel } from './channel';
import type { ChannelConfig, ChannelConfigOf, ChannelKind } from './config';
import { slackChannel } from './slack';
import { webhookChannel } from './webhook';

/** Every kind of channel, each typed with its own configuration. */
export const channels: { readonly [K in ChannelKind]: Channel<ChannelConfigOf<K>> } = {
  slack: slackChannel,
  webhook: webhookChannel,
  alertmanager: alertmanagerChannel,
};

// TypeScript cannot relate `channels[config.kind]` to `config` (a correlated union), so the
// lookup is widened once here; the table's type above guarantees each entry matches its kind.
function channelFor(config: ChannelConfig): Channel {
  return channels[config.kind] as Channel;
}

/** Returns the request that carries `notification` to the channel `config`; `now` is the event time. */
export function renderNotification(
  notification: AlertNotification,
  config: ChannelConfig,
  now: Date,
): OutboundRequest {
  return channelFor(config).render(notification, config, now);
}

/**
 * Returns the requests that carry one model's notifications to the channel `config`: one request
 * for all of them where the kind groups (Slack, Alertmanager), else one per notification.
 */
export function renderGroup(
  notifications: readonly AlertNotification[],
  config: ChannelConfig,
  now: Date,
): OutboundRequest[] {
  const channel = channelFor(config);
  if (notifications.length > 1 && channel.renderGroup !== undefined) {
    return [channel.renderGroup(notifications, config, now)];
  }
  return notifications.map((n) => channel.render(n, config, now));
}

/** Returns the request as sent on one attempt of message `id` at `now` (signed where the kind signs). */
export function signAttempt(
  request: OutboundRequest,
  id: string,
  now: Date,
  config: ChannelConfig,
): OutboundRequest {
  return channelFor(config).sign(request, id, now, config);
}
