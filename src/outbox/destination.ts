// A named destination the outbox can deliver to besides an alert channel (retrain targets): it
// supplies the URL and secrets at send time, as a channel does, and prepares each attempt
// (signature, credential headers), so neither is ever stored with the message.
import type { OutboundRequest } from './request';

/** Where a message named after it goes, resolved at send time. */
export interface Destination {
  /** The full URL the request is POSTed to. */
  url: string;
  /** Every secret string (tokens, passwords, keys) to scrub from errors. */
  secrets: readonly string[];
  /** Returns the request as sent on one attempt of message `id` at `now` (signed, authorised). */
  sign(request: OutboundRequest, id: string, now: Date): OutboundRequest;
  /**
   * Statuses that mean the receiver already has this message (Airflow's 409 for a dag_run_id
   * it knows): the attempt counts as delivered.
   */
  alreadyDelivered?: readonly number[];
}
