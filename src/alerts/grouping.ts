// Grouping per model: everything one model has to say at one evaluation travels together, so
// several SLOs of one model turning on at once make one batch (one message where the channel can
// carry several alerts, e.g. Alertmanager's `alerts` list or one Slack message with a section
// per alert), not a storm.
import { createHash } from 'node:crypto';
import type { AlertNotification, AlertSeverity } from './notification';

/** Why a notification is sent. */
export type NotificationKind = 'firing' | 'repeat' | 'resolved';

/** A notification with its kind and a key stable across replays (the outbox's message id). */
export interface OutgoingNotification {
  key: string;
  kind: NotificationKind;
  notification: AlertNotification;
}

/** Everything one model has to say at one `now`: channels send it as one message (or one batch). */
export interface NotificationGroup {
  model: string;
  /** Stable across replays: a hash of the notification keys, for a message id per group. */
  key: string;
  notifications: OutgoingNotification[];
}

const SEVERITY_ORDER: Record<AlertSeverity, number> = { page: 0, ticket: 1 };

/** Returns the notifications grouped per model, models sorted, each group by SLO then severity. */
export function groupByModel(notifications: readonly OutgoingNotification[]): NotificationGroup[] {
  const byModel = new Map<string, OutgoingNotification[]>();
  for (const n of notifications) {
    const list = byModel.get(n.notification.model) ?? [];
    list.push(n);
    byModel.set(n.notification.model, list);
  }
  return [...byModel.keys()].sort().map((model) => {
    const members = (byModel.get(model) ?? []).sort(
      (a, b) =>
        compare(a.notification.slo, b.notification.slo) ||
        SEVERITY_ORDER[a.notification.severity] - SEVERITY_ORDER[b.notification.severity],
    );
    const key = createHash('sha256')
      .update(members.map((n) => n.key).join('\n'))
      .digest('hex')
      .slice(0, 32);
    return { model, key, notifications: members };
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
