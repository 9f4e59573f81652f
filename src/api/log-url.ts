// The URL of a request as the access log writes it: the values of query parameters whose names
// say they carry a credential are hidden. The API reads tokens only from the Authorization
// header, but a client that puts one in the URL must not have it written to the log.
import { REDACTED } from '../outbox/redact';

const CREDENTIAL = /token|secret|passw|key|auth|signature|credential|session/i;

/** Returns `url` (path and query) with the values of credential-named parameters redacted. */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const names = [...new Set([...params.keys()])].filter((name) => CREDENTIAL.test(name));
  if (names.length === 0) return url;
  for (const name of names) params.set(name, REDACTED);
  return `${url.slice(0, q)}?${params}`;
}
