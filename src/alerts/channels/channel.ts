// The shape of one entry of the channel table.
import type { OutboundRequest } from '../../outbox/request';
import { VERSION } from '../../version';
import type { AlertNotification } from '../notification';
import type { ChannelConfig } from './config';

/** Turns a notification into a request for one kind of destination; both steps are pure. */
export interface Channel<C extends ChannelConfig = ChannelConfig> {
  /**
   * Returns the request that carries `notification`; `now` is when the message is made (the
   * body's event time), so the body is fixed once and the same on every retry.
   */
  render(notification: AlertNotification, config: C, now: Date): OutboundRequest;
  /**
   * Returns the request as sent on one attempt: `id` is the outbox message id (stable across
   * retries), `now` the attempt's time. Channels that do not sign return it unchanged.
   */
  sign(request: OutboundRequest, id: string, now: Date, config: C): OutboundRequest;
  /**
   * Returns one request carrying several notifications of one model (one incident, one
   * message); kinds without it get one request per notification.
   */
  renderGroup?(notifications: readonly AlertNotification[], config: C, now: Date): OutboundRequest;
}

/** The headers every channel sends. */
export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  'user-agent': `InsightAgent/${VERSION}`,
};
