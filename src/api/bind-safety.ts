import { isIP } from 'node:net';

/** Decides whether a listen address is reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Returns why the server must not start on `host`, or undefined when it may: without tokens it
 * binds only to loopback unless the operator passed --insecure.
 */
export function bindRefusal(
  host: string,
  tokenCount: number,
  insecure: boolean,
): string | undefined {
  if (tokenCount > 0 || insecure || isLoopback(host)) return undefined;
  return (
    `refusing to listen on ${host} without INSIGHTAGENT_TOKENS: anyone who can reach it could write ` +
    'and read telemetry. Set INSIGHTAGENT_TOKENS, listen on 127.0.0.1, or pass --insecure.'
  );
}
