// From stepped alert states to outbox messages. One model's notifications of one evaluation
// become one message per channel where the channel groups (Slack, Alertmanager), else one per
// notification (webhooks). Message ids derive from the notification or group keys, so a
// replayed evaluation (catch-up after a crash) enqueues the same ids again, which the outbox
// ignores. Pure.
import type { OutboxMessage } from '../outbox/outbox';
import type { ChannelConfig } from './channels/config';
import { renderGroup } from './channels/index';
import type { NotificationGroup } from './grouping';

const messageId = (key: string, channel: string) =>
  `alert:${key}:${channel}`.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 128);

/** Returns the outbox messages for `groups` on every channel, rendered at `now`. */
export function alertMessages(
  groups: readonly NotificationGroup[],
  channels: readonly ChannelConfig[],
  now: Date,
): OutboxMessage[] {
  return groups.flatMap((group) =>
    channels.flatMap((channel) => {
      const requests = renderGroup(
        group.notifications.map((o) => o.notification),
        channel,
        now,
      );
      const grouped = requests.length === 1 && group.notifications.length > 1;
      return requests.map((request, i) => {
        const one = group.notifications[i];
        const key = grouped || one === undefined ? group.key : one.key;
        const kinds = [...new Set(group.notifications.map((o) => o.kind))].join('+');
        return {
          id: messageId(key, channel.name),
          channel: channel.name,
          kind: `alert.${grouped || one === undefined ? kinds : one.kind}`,
          request,
        };
      });
    }),
  );
}
