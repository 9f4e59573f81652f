// From stepped alert states to outbox messages: every notification to every channel, with a
// message id derived from the notification's key, so a replayed evaluation (catch-up after a
// crash) enqueues the same ids again, which the outbox ignores. Pure.
import type { OutboxMessage } from '../outbox/outbox';
import type { ChannelConfig } from './channels/config';
import { renderNotification } from './channels/index';
import type { NotificationGroup } from './grouping';

/** Returns the outbox messages for `groups` on every channel, rendered at `now`. */
export function alertMessages(
  groups: readonly NotificationGroup[],
  channels: readonly ChannelConfig[],
  now: Date,
): OutboxMessage[] {
  return groups.flatMap((group) =>
    group.notifications.flatMap((outgoing) =>
      channels.map((channel) => ({
        id: `alert:${outgoing.key}:${channel.name}`.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 128),
        channel: channel.name,
        kind: `alert.${outgoing.kind}`,
        request: renderNotification(outgoing.notification, channel, now),
      })),
    ),
  );
}
