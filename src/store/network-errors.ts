// Which store failures are worth retrying: only those where the request may not have reached a
// healthy server (connection refused/reset, DNS, timeouts). A ClickHouse error answer never is.

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
