// One model's notifications of one evaluation as one message where the channel groups (Slack,
// Alertmanager), one per notification where it does not (webhooks); and the outbox ids they get.
import { renderGroup } from '../../../../src/alerts/channels';
import type { NotificationGroup } from '../../../../src/alerts/grouping';
import type { AlertNotification } from '../../../../src/alerts/notification';
import { alertMessages } from '../../../../src/alerts/notify';
import { alertmanagerConfig, firing, NOW, resolved, slackConfig, webhookConfig } from './fixtures';

const accuracy: AlertNotification = { ...firing, slo: 'accuracy', fingerprint: 'f-accuracy' };
const [slack, hook, router] = [slackConfig, webhookConfig, alertmanagerConfig];

describe('a group of notifications for one model', () => {
  it('Slack: one message, the alerts divided, every summary in the fallback text', () => {
    const [request, ...rest] = renderGroup([firing, accuracy], slack, NOW);
    expect(rest).toEqual([]);
    const body = JSON.parse(request?.body ?? '{}') as { text: string; blocks: { type: string }[] };
    expect(body.text.split('\n')).toEqual([
      expect.stringContaining(`SLO ${firing.slo} for model`),
      expect.stringContaining('SLO accuracy for model'),
    ]);
    expect(body.blocks.filter((b) => b.type === 'header')).toHaveLength(2);
    expect(body.blocks.filter((b) => b.type === 'divider')).toHaveLength(1);
  });

  it('Alertmanager: one payload with every alert; firing while any fires; common labels shared', () => {
    const [request] = renderGroup([firing, { ...resolved, slo: 'other' }], router, NOW);
    const body = JSON.parse(request?.body ?? '{}') as {
      status: string;
      alerts: { status: string; labels: Record<string, string> }[];
      commonLabels: Record<string, string>;
    };
    expect(body.status).toBe('firing');
    expect(body.alerts.map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(body.commonLabels.model).toBe(firing.model);
    expect(body.commonLabels.slo).toBeUndefined();
  });

  it('webhooks: one signed message per notification', () => {
    expect(renderGroup([firing, accuracy], hook, NOW)).toHaveLength(2);
  });

  it('outbox ids: the group key for a grouped message, the notification key otherwise', () => {
    const group: NotificationGroup = {
      model: firing.model,
      key: 'g1',
      notifications: [
        { key: 'n1', kind: 'firing', notification: firing },
        { key: 'n2', kind: 'firing', notification: accuracy },
      ],
    };
    const messages = alertMessages([group], [slack, hook, router], NOW);
    expect(messages.map((m) => [m.id, m.kind])).toEqual([
      ['alert:g1:oncall', 'alert.firing'],
      ['alert:n1:pager-bridge', 'alert.firing'],
      ['alert:n2:pager-bridge', 'alert.firing'],
      ['alert:g1:am', 'alert.firing'],
    ]);
  });
});
