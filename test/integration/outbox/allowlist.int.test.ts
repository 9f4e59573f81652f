// The outbound policy over the real outbox, the real store and a real loopback receiver: an
// allowed host is delivered to; a host outside outbound.allowed_hosts, or a name that resolves
// into a refused range when the connection is made, fails for good on its first attempt with
// last_error naming the host, and the receiver gets nothing; a configured channel or retrain
// target outside the list stops the configuration from loading.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelConfig } from '../../../src/alerts/channels/config';
import { renderNotification } from '../../../src/alerts/channels/index';
import { loadConfig } from '../../../src/cli/load-config';
import { addressRanges, outboundSection } from '../../../src/outbox/allowlist';
import { outboundFetch } from '../../../src/outbox/outbound-fetch';
import type { Outbox } from '../../../src/outbox/outbox';
import { type Delivery, listDeliveries } from '../../../src/store/repositories/outbox';
import { outboxSuite } from '../../helpers/outbox';
import { firing, NOW, SECRET } from '../../unit/alerts/channels/fixtures';

const T0 = NOW.getTime();
const suite = outboxSuite('outbox_allowlist', T0);

function webhook(name: string, url: string): ChannelConfig {
  const config: ChannelConfig = { name, kind: 'webhook', url, secret: [SECRET] };
  suite.h.channels.set(name, config);
  return config;
}

const enqueue = (outbox: Outbox, config: ChannelConfig) =>
  outbox.enqueue({
    channel: config.name,
    kind: 'alert.firing',
    request: renderNotification(firing, config, suite.h.clock.now()),
  });

async function delivery(id: string): Promise<Delivery | undefined> {
  return (await listDeliveries(suite.h.store, { limit: 100 })).find((d) => d.id === id);
}

describe('outbound policy on the outbox', () => {
  it('delivers to an allowed host; a host outside allowed_hosts fails for good, unsent', async () => {
    const r = await suite.receiver(() => ({ status: 204 }));
    const port = new URL(r.origin).port;
    const policy = outboundSection.parse({ allowed_hosts: [`127.0.0.1:${port}`] });
    const outbox = suite.h.outbox({ fetch: outboundFetch(policy) });
    const allowed = await enqueue(outbox, webhook('allowed', `${r.origin}/hook`));
    // The same receiver by another name: not in the list.
    const other = await enqueue(outbox, webhook('other', `http://localhost:${port}/hook`));
    expect(await outbox.runOnce()).toMatchObject({ attempted: 2, delivered: 1, failed: 1 });
    expect(await delivery(allowed.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(await delivery(other.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: `refused by the outbound policy: host localhost:${port} is not in outbound.allowed_hosts (127.0.0.1:${port})`,
    });
    expect(r.received).toHaveLength(1);
    // Failed for good: later passes do not try it again.
    suite.h.clock.set(T0 + 3_600_000);
    expect(await outbox.runOnce()).toMatchObject({ attempted: 0 });
    expect(await delivery(other.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(r.received).toHaveLength(1);
  });

  it('checks the address a name resolves to when connecting: a name into a refused range is not sent', async () => {
    const r = await suite.receiver(() => ({ status: 204 }));
    const port = new URL(r.origin).port;
    // Loopback stands in for the metadata range (no name here resolves to 169.254.169.254): the
    // URL check passes `localhost`, the connection's lookup finds 127.0.0.1 or ::1 and refuses.
    const policy = { denied: addressRanges(['127.0.0.0/8', '::1/128']) };
    const outbox = suite.h.outbox({ fetch: outboundFetch(policy) });
    const sent = await enqueue(outbox, webhook('rebound', `http://localhost:${port}/hook`));
    expect(await outbox.runOnce()).toMatchObject({ attempted: 1, failed: 1 });
    expect(await delivery(sent.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: expect.stringMatching(
        /^refused by the outbound policy: localhost resolves to (127\.0\.0\.1|::1), a link-local or cloud metadata address: refused unless outbound.allowed_hosts names it$/,
      ),
    });
    expect(r.received).toHaveLength(0);
    // The same policy lets an IP URL the list names through (no lookup, the entry allows it).
    const named = { ...policy, ...outboundSection.parse({ allowed_hosts: ['127.0.0.1'] }) };
    const allowedOutbox = suite.h.outbox({ fetch: outboundFetch(named) });
    const ok = await enqueue(allowedOutbox, webhook('named', `${r.origin}/hook`));
    expect(await allowedOutbox.runOnce()).toMatchObject({ delivered: 1 });
    expect(await delivery(ok.id)).toMatchObject({ status: 'delivered' });
    expect(r.received).toHaveLength(1);
  });
});

describe('outbound policy at config load', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'insightagent-outbound-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const load = (yaml: string) => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, yaml);
    return () => loadConfig({ INSIGHTAGENT_CONFIG: path });
  };

  const CHANNELS = `
channels:
  - name: ops
    kind: slack
    url: https://hooks.slack.com/services/T0/B0/XXXX
  - name: bridge
    kind: webhook
    url: https://bridge.evil.example.org/hook
    secret: ${SECRET}
retrain:
  chimera:
    on: { dataset_drift: true }
    targets:
      - kind: webhook
        name: trainer
        url: http://169.254.169.254/latest/meta-data/
        secret: ${SECRET}
`;

  it('refuses each channel and retrain target outside the list, naming it and its host', () => {
    const run = load(
      `${CHANNELS}\noutbound:\n  allowed_hosts: [hooks.slack.com, '*.example.com']\n`,
    );
    expect(run).toThrow(
      [
        ': outbound host refused:',
        '  channel "bridge": host bridge.evil.example.org:443 is not in outbound.allowed_hosts (hooks.slack.com, *.example.com)',
        '  retrain target "trainer" of chimera: 169.254.169.254, a link-local or cloud metadata address: refused unless outbound.allowed_hosts names it',
      ].join('\n'),
    );
  });

  it('without allowed_hosts refuses only the metadata address; listing it allows it', () => {
    expect(load(CHANNELS)).toThrow(
      /outbound host refused:\n {2}retrain target "trainer" of chimera: 169\.254\.169\.254, a link-local or cloud metadata address/,
    );
    const allowed = load(
      `${CHANNELS}\noutbound:\n  allowed_hosts: [hooks.slack.com, bridge.evil.example.org, 169.254.169.254]\n`,
    )();
    expect(allowed.outbound.allowedHosts?.map((p) => p.text)).toEqual([
      'hooks.slack.com',
      'bridge.evil.example.org',
      '169.254.169.254',
    ]);
  });

  it('names a bad entry', () => {
    expect(load('outbound:\n  allowed_hosts: [hooks.slack.com, "http://x.com/"]\n')).toThrow(
      /outbound\.allowed_hosts\[1\]: "http:\/\/x\.com\/": expected a host name/,
    );
  });
});
