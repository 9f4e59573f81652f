// The retrain target table: one entry per kind (a new kind is one new entry), and the named
// destinations the outbox resolves at send time: `retrain:<config key>:<target name>`.
import type { Destination } from '../../outbox/destination';
import type { OutboundRequest } from '../../outbox/request';
import type { RetrainConfig, RetrainTarget, RetrainTargetOf, TargetKind } from '../config';
import type { TriggerContext } from '../payload';
import { airflowTarget } from './airflow';
import { githubTarget } from './github';
import { kubeflowTarget } from './kubeflow';
import type { TargetKindImpl } from './target';
import { webhookTarget } from './webhook';

/** Every kind of target, each typed with its own configuration. */
export const targets: { readonly [K in TargetKind]: TargetKindImpl<RetrainTargetOf<K>> } = {
  webhook: webhookTarget,
  airflow: airflowTarget,
  kubeflow: kubeflowTarget,
  github: githubTarget,
};

// The correlated union again (see alerts/channels/index.ts): widened once, guaranteed by the table.
function targetFor(t: RetrainTarget): TargetKindImpl {
  return targets[t.kind] as TargetKindImpl;
}

/** Returns the request that carries the trigger to its target (no credentials). */
export function renderTrigger(context: TriggerContext, target: RetrainTarget): OutboundRequest {
  return targetFor(target).render(context, target);
}

/** Returns the destination of a target: URL, secrets, per-attempt signing and authorisation. */
export function targetDestination(target: RetrainTarget): Destination {
  return targetFor(target).destination(target);
}

/** Returns the outbox name of a target of the entry `key` (channel names cannot hold ":"). */
export function destinationName(key: string, target: string): string {
  return `retrain:${key}:${target}`;
}

/** Returns the lookup of every configured target's destination, by destinationName. */
export function retrainDestinations(
  config: RetrainConfig,
): (name: string) => Destination | undefined {
  const byName = new Map<string, Destination>();
  for (const entry of config.values()) {
    for (const t of entry.targets)
      byName.set(destinationName(entry.key, t.name), targetDestination(t));
  }
  return (name) => byName.get(name);
}
