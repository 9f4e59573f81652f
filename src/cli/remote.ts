// How a read-side command reaches a running server: INSIGHTAGENT_URL (and INSIGHTAGENT_TOKEN)
// when set, else the API address of the local `serve` that owns the embedded store. Error
// answers become AppErrors with the server's code, and a dead address a clear 503.
import { z } from 'zod';
import type { Env } from '../config/env';
import { formatIssues } from '../config/issues';
import { AppError, ConfigError, errorMessage } from '../errors';
import { chooseConnection } from '../store/connection';
import { openStore } from '../store/open';
import { type Store, StoreError } from '../store/store';

const remoteSchema = z.object({
  INSIGHTAGENT_URL: z
    .url({ protocol: /^https?$/, error: 'expected the http(s) URL of a running insightagent API' })
    .optional(),
  INSIGHTAGENT_TOKEN: z.string().optional(),
});

/** A running server's API and the token to send it. */
export interface Remote {
  url: string;
  token?: string;
  /** Why the command went there: the store it could not open itself. */
  locked?: StoreError;
}

/** Returns the server INSIGHTAGENT_URL names (with INSIGHTAGENT_TOKEN), or undefined. */
export function configuredRemote(source: NodeJS.ProcessEnv): Remote | undefined {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = remoteSchema.safeParse(present);
  if (!parsed.success)
    throw new ConfigError(`invalid environment:\n  ${formatIssues(parsed.error).join('\n  ')}`);
  if (parsed.data.INSIGHTAGENT_URL === undefined) return undefined;
  return withToken(parsed.data.INSIGHTAGENT_URL, parsed.data.INSIGHTAGENT_TOKEN);
}

/** Returns the API of the local server (that owns the embedded store when `locked` is given). */
export function localRemote(env: Env, source: NodeJS.ProcessEnv, locked?: StoreError): Remote {
  const host = ['0.0.0.0', '::', ''].includes(env.host) ? '127.0.0.1' : env.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${env.apiPort}`;
  const token = source.INSIGHTAGENT_TOKEN === '' ? undefined : source.INSIGHTAGENT_TOKEN;
  const remote = withToken(url, token);
  return locked === undefined ? remote : { ...remote, locked };
}

/**
 * Opens the store for a read-side command; when a running `serve` owns the embedded store,
 * returns that server's API instead (the command asks it, at the address it listens on).
 */
export function openStoreOrLocal(
  env: Env,
  source: NodeJS.ProcessEnv,
): { store: Store } | { remote: Remote } {
  try {
    return { store: openStore(chooseConnection(env)) };
  } catch (e) {
    if (e instanceof StoreError && e.code === 'store_locked')
      return { remote: localRemote(env, source, e) };
    throw e;
  }
}

function withToken(url: string, token: string | undefined): Remote {
  return token === undefined ? { url } : { url, token };
}

/** How the 503 for a dead address names what was sent; the defaults fit any request. */
export interface RemoteWording {
  /** What went to the server: "request" unless told. */
  sent?: string;
  /** The token INSIGHTAGENT_TOKEN should hold: "a token with the <scope> scope" unless told. */
  token?: string;
  /** What stopping the server allows: "use the store directly" unless told. */
  direct?: string;
}

/** A remote request: where, what, the token scope it needs and how a failure words it. */
export interface RemoteRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  scope: 'read' | 'admin';
  wording?: RemoteWording;
}

/** Sends one request to `remote` and returns the answer's text; an error answer throws. */
export async function callRemote(remote: Remote, request: RemoteRequest): Promise<string> {
  return (await requestRemote(remote, request)).text;
}

/** Sends one request to `remote` and returns the answer's text and headers; an error answer throws. */
export async function requestRemote(
  remote: Remote,
  request: RemoteRequest,
): Promise<{ text: string; headers: Headers }> {
  const endpoint = new URL(request.path, remote.url);
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: request.method,
      headers: {
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(remote.token === undefined ? {} : { authorization: `Bearer ${remote.token}` }),
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    });
  } catch (e) {
    const wording = request.wording ?? {};
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    const why =
      remote.locked === undefined
        ? ''
        : `another process owns the embedded store (${remote.locked.message.split('. ')[0]}), so the ` +
          `${wording.sent ?? 'request'} went to the API of the server that runs on it, but `;
    const token = wording.token ?? `a token with the ${request.scope} scope`;
    throw new AppError(
      'server_unreachable',
      503,
      `${why}no insightagent API answered at ${remote.url}${cause}. Set INSIGHTAGENT_URL (and ` +
        `INSIGHTAGENT_TOKEN, ${token}) to the running server, or stop it to ${wording.direct ?? 'use the store directly'}.`,
      { cause: e },
    );
  }
  const text = await res.text();
  if (res.ok) return { text, headers: res.headers };
  let body: { error?: { code?: string; message?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not our error shape: quoted below as it came.
  }
  const hint =
    res.status === 401 || res.status === 403
      ? ` (set INSIGHTAGENT_TOKEN to a token with the ${request.scope} scope)`
      : '';
  throw new AppError(
    body.error?.code ?? 'http_error',
    res.status,
    `${endpoint.origin} answered ${res.status}: ${body.error?.message ?? errorMessage(text)}${hint}`,
  );
}
