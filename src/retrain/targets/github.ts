// GitHub repository_dispatch: POST {api}/repos/{owner}/{repo}/dispatches with `{event_type,
// client_payload}` (at most 10 top-level keys, GitHub answers 422 beyond), headers
// `Accept: application/vnd.github+json`, `Authorization: Bearer …`, `X-GitHub-Api-Version`.
// GitHub answers 204 and does not deduplicate: workflows can key a `concurrency` group on
// `client_payload.trigger_id`.
import { destinationKey, type OutboundRequest } from '../../outbox/request';
import type { RetrainTargetOf } from '../config';
import { type TriggerContext, triggerPayload } from '../payload';
import { authorizedDestination, JSON_HEADERS, joinUrl, type TargetKindImpl } from './target';

type GithubTarget = RetrainTargetOf<'github'>;

/** GitHub's limit on client_payload's top-level keys. */
export const GITHUB_MAX_PAYLOAD_KEYS = 10;

/** The REST API version the request is written against. */
export const GITHUB_API_VERSION = '2022-11-28';

/** Returns the dispatches URL of the target. */
export function githubUrl(t: GithubTarget): string {
  return joinUrl(
    t.api_url,
    `/repos/${encodeURIComponent(t.owner)}/${encodeURIComponent(t.repo)}/dispatches`,
  );
}

/** Returns the client_payload: exactly 10 top-level keys (GitHub's maximum). */
export function githubClientPayload(c: TriggerContext): Record<string, unknown> {
  // The full payload less the two keys a workflow can do without, to fit GitHub's limit.
  const { idempotency_key: _key, triggered_at: _at, ...payload } = triggerPayload(c);
  return payload;
}

/** The GitHub entry of the target table. */
export const githubTarget: TargetKindImpl<GithubTarget> = {
  render(c, t): OutboundRequest {
    const url = githubUrl(t);
    return {
      method: 'POST',
      url,
      headers: {
        ...JSON_HEADERS,
        accept: 'application/vnd.github+json',
        'x-github-api-version': GITHUB_API_VERSION,
      },
      body: JSON.stringify({ event_type: t.event_type, client_payload: githubClientPayload(c) }),
      destinationKey: destinationKey('github', url),
    };
  },
  destination: (t) => authorizedDestination(githubUrl(t), `Bearer ${t.token}`, [t.token]),
};
