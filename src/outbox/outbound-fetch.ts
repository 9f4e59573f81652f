// The fetch every outbound request goes through: the URL is checked against the outbound policy
// before anything is sent, and each address its host resolves to is checked when the connection
// is made, by node's own DNS lookup handed to the socket as its `lookup` hook (so the address
// checked is the address connected to: a name that changes what it resolves to cannot slip
// past). A refusal is an OutboundRefused error, which the outbox fails for good.
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { checkAddress, checkUrl, type OutboundPolicy } from './allowlist';

const REFUSED = 'EOUTBOUNDREFUSED';
const PREFIX = 'refused by the outbound policy: ';

/** A request the outbound policy refused; `message` names the host and why. */
export class OutboundRefused extends Error {
  readonly code = REFUSED;
}

/** Returns the refusal's message when `err` (or its cause, as fetch wraps it) is one. */
export function outboundRefusal(err: unknown): string | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 3; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof message === 'string') {
      if (code === REFUSED) return message;
      // A refusal in the socket's lookup reaches fetch's cause as text only ("Error: refused…").
      const at = message.indexOf(PREFIX);
      if (at !== -1) return message.slice(at);
    }
    e = cause;
  }
  return undefined;
}

// The socket's lookup: node's resolver, then every address it found checked.
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (host, options, callback) => {
    dnsLookup(host, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const { address } of addresses) {
        const verdict = checkAddress(policy, host, undefined, address);
        if (!verdict.ok) return callback(new OutboundRefused(refusedText(verdict.reason)), []);
      }
      if (options.all === true) return callback(null, addresses);
      const [first] = addresses;
      callback(null, first?.address ?? '', first?.family);
    });
  };
}

const refusedText = (reason: string) => `${PREFIX}${reason}`;

/** Returns `fetchFn` behind the outbound policy: refused requests reject with OutboundRefused. */
export function outboundFetch(policy: OutboundPolicy, fetchFn: typeof fetch = fetch): typeof fetch {
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(policy) } });
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const verdict = checkUrl(policy, url);
    if (!verdict.ok) return Promise.reject(new OutboundRefused(refusedText(verdict.reason)));
    // `dispatcher` is node's fetch option (undici's), not in the DOM's RequestInit.
    return fetchFn(input, { ...init, dispatcher } as RequestInit);
  };
}
