// The daily insight report: once a day, for the UTC day that just ended, the report of every
// model seen that day whose `reports:` entry (or `*`) names a `daily.channel`, posted to that
// Slack channel as Block Kit through the durable outbox — stored before it is sent, retried,
// and never sent twice (the message id names the day and the model).
import { createHash } from 'node:crypto';
import type { ChannelConfig } from '../alerts/channels/config';
import { slackRequest } from '../alerts/channels/slack';
import type { ModelEntry } from '../model-stats/service';
import type { Outbox } from '../outbox/outbox';
import type { ScheduledJob } from '../scheduler/run-job';
import type { JobWindow } from '../scheduler/windows';
import type { Logger } from '../telemetry/logger';
import { dailyChannelFor, type ReportsConfig } from './config';
import { insightSlackMessage } from './render-slack';
import type { InsightReports } from './service';

/** One UTC day. */
export const DAY_MS = 86_400_000;

/** What the job reads and where it posts. */
export interface DailyReportDeps {
  reports: InsightReports;
  config: ReportsConfig;
  /** The models the store has seen (GET /api/v1/models). */
  models: () => Promise<ModelEntry[]>;
  channels: readonly ChannelConfig[];
  outbox: Outbox;
  log: Logger;
}

/** Returns the models to post for `window` and their Slack channel: seen in it, with a daily channel. */
export function dailyPosts(
  config: ReportsConfig,
  models: readonly ModelEntry[],
  window: JobWindow,
): Array<{ model: string; channel: string }> {
  return models.flatMap((m) => {
    const channel = dailyChannelFor(config, m.model);
    const seen =
      Date.parse(m.last_seen) >= window.startMs && Date.parse(m.first_seen) < window.endMs;
    return channel !== undefined && seen ? [{ model: m.model, channel }] : [];
  });
}

/** Returns the outbox id of a model's daily report: the day and a digest of the name. */
export function dailyMessageId(model: string, window: JobWindow): string {
  const day = new Date(window.startMs).toISOString().slice(0, 10);
  const digest = createHash('sha256').update(model).digest('hex').slice(0, 24);
  return `report.daily.${day}.${digest}`;
}

/** Returns the scheduled job posting yesterday's reports (one window per UTC day). */
export function createDailyReportJob(deps: DailyReportDeps): ScheduledJob {
  return {
    name: 'report.daily',
    periodMs: DAY_MS,
    maxCatchUp: 1,
    async run(window) {
      const posts = dailyPosts(deps.config, await deps.models(), window);
      // One model's failure does not hold back the others' posts; the window is retried (and
      // the posts already queued are not sent twice: their ids are taken).
      const failed: string[] = [];
      for (const { model, channel } of posts) {
        const config = deps.channels.find((c) => c.name === channel);
        // parseReportsConfig refused a daily channel that is not a slack channel.
        if (config?.kind !== 'slack') continue;
        try {
          const report = await deps.reports.insight(model, {
            windowMs: DAY_MS,
            toMs: window.endMs,
          });
          await deps.outbox.enqueue({
            id: dailyMessageId(model, window),
            channel,
            kind: 'report.daily',
            request: slackRequest(insightSlackMessage(report), config),
          });
        } catch (err) {
          failed.push(model);
          deps.log.error({ err, model }, 'daily report failed');
        }
      }
      if (failed.length > 0) throw new Error(`daily report failed for ${failed.join(', ')}`);
      deps.log.info(
        { day: new Date(window.startMs).toISOString(), posts: posts.length },
        'daily reports queued',
      );
      return `${posts.length} daily report(s) queued`;
    },
  };
}
