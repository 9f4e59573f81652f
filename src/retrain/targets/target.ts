// The shape of one entry of the retrain target table: render once when the trigger fires
// (the stored body), and the destination the outbox resolves at send time (URL, secrets,
// per-attempt signing and credential headers).
import type { Destination } from '../../outbox/destination';
import type { OutboundRequest } from '../../outbox/request';
import { VERSION } from '../../version';
import type { RetrainTarget } from '../config';
import type { TriggerContext } from '../payload';

/** Turns a trigger into a request for one kind of target; both steps are pure. */
export interface TargetKindImpl<T extends RetrainTarget = RetrainTarget> {
  /** Returns the request that carries the trigger (no credentials: the destination adds them). */
  render(context: TriggerContext, target: T): OutboundRequest;
  /** Returns where the request goes and how each attempt is authorised. */
  destination(target: T): Destination;
}

/** The headers every target sends. */
export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json',
  'user-agent': `InsightAgent/${VERSION}`,
};

/** Returns `base` without trailing slashes followed by `path`. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** Returns a destination that adds `authorization` (when given) to every attempt. */
export function authorizedDestination(
  url: string,
  authorization: string | undefined,
  secrets: readonly (string | undefined)[],
  alreadyDelivered?: readonly number[],
): Destination {
  const out: Destination = {
    url,
    secrets: secrets.filter((s): s is string => s !== undefined),
    sign: (request) =>
      authorization === undefined
        ? request
        : { ...request, headers: { ...request.headers, authorization } },
  };
  if (alreadyDelivered !== undefined) out.alreadyDelivered = alreadyDelivered;
  return out;
}
