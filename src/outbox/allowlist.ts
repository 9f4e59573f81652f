// Decides which hosts outbound HTTP (alert channels, retrain targets) may reach: the `outbound:`
// section's `allowed_hosts` when set, and never a link-local or cloud-metadata address unless an
// entry names it. Checked on each URL at config load and before each send, and on each address
// a name resolves to when the connection is made (a name that resolves to the metadata address,
// at once or after a DNS change, is refused too). node:net is used for address arithmetic only
// (isIP, BlockList), never for sockets.
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { ConfigError } from '../errors';

/** One `allowed_hosts` entry: a name, `*.suffix`, an IP address or a CIDR range, maybe `:port`. */
export type HostPattern =
  | { text: string; kind: 'name'; name: string; port?: number }
  | { text: string; kind: 'wildcard'; suffix: string; port?: number }
  | { text: string; kind: 'addresses'; list: BlockList; port?: number };

/** The outbound policy; `allowedHosts` undefined: any host but the metadata addresses. */
export interface OutboundPolicy {
  allowedHosts?: readonly HostPattern[];
  /** Addresses refused unless an entry names them; default METADATA_RANGES (not configurable). */
  denied?: BlockList;
}

/** Whether a URL or address may be reached, and if not why (naming the host). */
export type OutboundVerdict = { ok: true } | { ok: false; reason: string };

/** Link-local (169.254.0.0/16, fe80::/10: every cloud's metadata service) and the others. */
export const METADATA_RANGES: readonly string[] = [
  '169.254.0.0/16',
  'fe80::/10',
  'fd00:ec2::254/128',
  '100.100.100.200/32',
];

/** Returns the BlockList of `ranges` (`address` or `address/prefix`). */
export function addressRanges(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) addRange(list, range);
  return list;
}

const metadata = addressRanges(METADATA_RANGES);

function addRange(list: BlockList, range: string): void {
  const [address = '', prefix] = range.split('/');
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (prefix === undefined) list.addAddress(address, family);
  else list.addSubnet(address, Number(prefix), family);
}

const bare = (host: string) =>
  host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');
const NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;

/** Returns the pattern an `allowed_hosts` entry stands for, or what is wrong with it. */
export function parseHostPattern(text: string): HostPattern | string {
  const entry = text.trim().toLowerCase();
  // `host:port`, `[v6]:port`, `a.b.c.d/n:port`; a bare IPv6 address has colons of its own.
  const split = /^(\[[^\]]+\](?:\/\d+)?|[^:]+)(?::(\d+))?$/.exec(entry);
  const [host, portText] = split === null ? [entry, undefined] : [split[1] ?? '', split[2]];
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return `port ${portText} is not 1-65535`;
  const withPort = port === undefined ? {} : { port };
  const unbracketed = host.replace(/^\[([^\]]+)\]/, '$1');
  const [address = '', prefix] = unbracketed.split('/');
  if (isIP(address) !== 0) {
    const max = isIP(address) === 6 ? 128 : 32;
    if (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= max))
      return `prefix /${prefix} is not 0-${max}`;
    const list = addressRanges([prefix === undefined ? address : `${address}/${prefix}`]);
    return { text, kind: 'addresses', list, ...withPort };
  }
  if (host.startsWith('*.') && NAME.test(host.slice(2)))
    return { text, kind: 'wildcard', suffix: host.slice(1), ...withPort };
  if (NAME.test(bare(host))) return { text, kind: 'name', name: bare(host), ...withPort };
  return 'expected a host name, *.domain, an IP address or a CIDR range, optionally with :port';
}

// The host and port a URL connects to (the scheme's port when none is given).
function target(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
    return { host: bare(u.hostname), port };
  } catch {
    return undefined;
  }
}

// Unknown port (a DNS lookup does not see it): an entry's port does not narrow it.
const portMatches = (p: HostPattern, port: number | undefined) =>
  p.port === undefined || port === undefined || p.port === port;

// Whether an entry names this IP address (an address or a range that holds it).
function namesAddress(policy: OutboundPolicy, address: string, port: number | undefined): boolean {
  return (policy.allowedHosts ?? []).some(
    (p) =>
      p.kind === 'addresses' && portMatches(p, port) && p.list.check(address, familyOf(address)),
  );
}

/** Returns whether `address` (an IP the host resolved to, or an IP in a URL) may be reached. */
export function checkAddress(
  policy: OutboundPolicy,
  host: string,
  port: number | undefined,
  address: string,
): OutboundVerdict {
  const denied = policy.denied ?? metadata;
  if (!denied.check(address, familyOf(address)) || namesAddress(policy, address, port))
    return { ok: true };
  const via = bare(host) === bare(address) ? '' : `${host} resolves to `;
  return {
    ok: false,
    reason:
      `${via}${address}, a link-local or cloud metadata address: refused unless ` +
      'outbound.allowed_hosts names it',
  };
}

/** Returns whether a request to `url` may leave: its host allowed, and not a metadata address. */
export function checkUrl(policy: OutboundPolicy, url: string): OutboundVerdict {
  const t = target(url);
  if (t === undefined) return { ok: false, reason: 'not a URL' };
  const { host, port } = t;
  if (isIP(host) !== 0) {
    const address = checkAddress(policy, host, port, host);
    if (!address.ok) return address;
  }
  const list = policy.allowedHosts;
  if (list === undefined) return { ok: true };
  const allowed = list.some((p) => {
    if (!portMatches(p, port)) return false;
    if (p.kind === 'name') return host === p.name;
    if (p.kind === 'wildcard') return host.endsWith(p.suffix);
    return isIP(host) !== 0 && p.list.check(host, familyOf(host));
  });
  if (allowed) return { ok: true };
  const shown = isIP(host) === 6 ? `[${host}]` : host;
  return {
    ok: false,
    reason: `host ${shown}:${port} is not in outbound.allowed_hosts (${list.map((p) => p.text).join(', ')})`,
  };
}

/** The `outbound:` section of the YAML configuration. */
export const outboundSection = z
  .strictObject(
    {
      allowed_hosts: z
        .array(z.string({ error: 'expected a host pattern (a string)' }), {
          error: 'expected a list of host patterns',
        })
        .optional(),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `unknown key ${iss.keys.map((k) => `"${k}"`).join(', ')}; outbound has allowed_hosts`
          : 'expected a mapping with allowed_hosts',
    },
  )
  .default({})
  .transform((section, ctx): OutboundPolicy => {
    if (section.allowed_hosts === undefined) return {};
    const allowedHosts: HostPattern[] = [];
    section.allowed_hosts.forEach((text, i) => {
      const parsed = parseHostPattern(text);
      if (typeof parsed === 'string')
        ctx.addIssue({
          code: 'custom',
          path: ['allowed_hosts', i],
          message: `"${text}": ${parsed}`,
        });
      else allowedHosts.push(parsed);
    });
    return { allowedHosts };
  });

/**
 * Throws a ConfigError naming each destination (`what`, e.g. `channel "ops"`) whose URL the
 * policy refuses, and its host; returns when every one is allowed.
 */
export function checkOutboundUrls(
  policy: OutboundPolicy,
  source: string,
  destinations: ReadonlyArray<{ what: string; url: string }>,
): void {
  const lines = destinations.flatMap(({ what, url }) => {
    const verdict = checkUrl(policy, url);
    return verdict.ok ? [] : [`${what}: ${verdict.reason}`];
  });
  if (lines.length > 0)
    throw new ConfigError(`${source}: outbound host refused:\n  ${lines.join('\n  ')}`);
}
