// Which store failures are worth retrying: those where the request may not have reached a
// healthy server (connection refused/reset, DNS, timeouts), and the ClickHouse exceptions by
// which a server says it cannot take the statement now. Any other ClickHouse answer never is.

import { isNativeError } from 'node:util/types';

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

// Messages @clickhouse/client and node:http use for the same conditions without a code.
const NETWORK_MESSAGES = [/^Timeout error\.?$/, /socket hang up/i, /other side closed/i];

type ErrorLike = { message: string; code?: unknown; cause?: unknown };

// Errors raised by Node's own modules are not `instanceof Error` in another realm (a jest VM
// context, a worker), so the shape is checked, not the prototype.
function isErrorLike(e: unknown): e is ErrorLike {
  return isNativeError(e) || e instanceof Error;
}

/** Decides whether an error (or any error in its cause chain) is a network failure. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; isErrorLike(e) && depth < 8; e = e.cause, depth++) {
    const { code, message } = e;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (NETWORK_MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

/**
 * ClickHouse exception types that mean "not now" (overloaded, a replica without Keeper, a shard
 * or replica unreachable, an insert whose outcome the server does not know), not that the
 * statement or its rows are wrong. MEMORY_LIMIT_EXCEEDED is left out: a query over its own limit
 * fails again.
 */
const UNAVAILABLE_TYPES = new Set([
  'TIMEOUT_EXCEEDED',
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'NO_FREE_CONNECTION',
  'SOCKET_TIMEOUT',
  'NETWORK_ERROR',
  'TABLE_IS_READ_ONLY',
  'TOO_MANY_PARTS',
  'TOO_FEW_LIVE_REPLICAS',
  'ALL_CONNECTION_TRIES_FAILED',
  'ALL_REPLICAS_ARE_STALE',
  'UNKNOWN_STATUS_OF_INSERT',
  'KEEPER_EXCEPTION',
]);

// The type of a ClickHouse exception: the client's ClickHouseError carries it as `type`; a
// message in the server's format ends with it in parentheses.
const TYPE_IN_MESSAGE = /DB::Exception: .*\(([A-Z][A-Z_]+)\)(?:\s*\(version .*\))?\s*$/s;

function exceptionType(e: ErrorLike): string | undefined {
  const type = (e as { type?: unknown }).type;
  if (typeof type === 'string') return type;
  return TYPE_IN_MESSAGE.exec(e.message)?.[1];
}

/**
 * Decides whether the store is unavailable rather than refusing the statement: a network failure,
 * or (anywhere in the cause chain) a ClickHouse exception that means "not now".
 */
export function isUnavailableError(err: unknown): boolean {
  if (isNetworkError(err)) return true;
  for (let e: unknown = err, depth = 0; isErrorLike(e) && depth < 8; e = e.cause, depth++) {
    const type = exceptionType(e);
    if (type !== undefined && UNAVAILABLE_TYPES.has(type)) return true;
  }
  return false;
}
