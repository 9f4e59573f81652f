import {
  checkAddress,
  checkOutboundUrls,
  checkUrl,
  type OutboundPolicy,
  outboundSection,
  parseHostPattern,
} from '../../../src/outbox/allowlist';

const policy = (allowed_hosts?: string[]): OutboundPolicy =>
  outboundSection.parse(allowed_hosts === undefined ? {} : { allowed_hosts });

const LIST = [
  'hooks.slack.com',
  '*.example.com',
  'airflow.internal:8080',
  '10.0.0.0/8',
  '[fd00::1]:9000',
  '169.254.10.10',
];

describe('checkUrl without allowed_hosts (the default)', () => {
  it.each([
    'https://hooks.slack.com/services/T/B/x',
    'http://127.0.0.1:9000/hook',
    'http://10.1.2.3/hook',
    'http://airflow.internal:8080/api/v1/dags/x/dagRuns',
    'http://[::1]:8080/',
    'http://169.253.255.255/',
  ])('allows %s', (url) => {
    expect(checkUrl(policy(), url)).toEqual({ ok: true });
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://169.254.0.1:8080/', '169.254.0.1'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254'],
    ['http://[FD00:EC2:0::254]/', 'fd00:ec2::254'],
    ['http://[fe80::1]/', 'fe80::1'],
    ['http://100.100.100.200/latest/meta-data/', '100.100.100.200'],
    // Other spellings of 169.254.169.254 that URL parsing normalises.
    ['http://2852039166/', '169.254.169.254'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://169.254.169.254./', '169.254.169.254'],
    ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe'],
  ])('refuses %s, naming %s', (url, address) => {
    const verdict = checkUrl(policy(), url);
    expect(verdict).toEqual({
      ok: false,
      reason: `${address}, a link-local or cloud metadata address: refused unless outbound.allowed_hosts names it`,
    });
  });
});

describe('checkUrl with allowed_hosts', () => {
  const p = policy(LIST);
  it.each([
    'https://hooks.slack.com/services/T/B/x',
    'https://HOOKS.SLACK.COM./services/x',
    'http://hooks.slack.com:8443/',
    'https://alerts.example.com/hook',
    'https://a.b.example.com/hook',
    'http://airflow.internal:8080/api',
    'http://10.200.3.4:1234/',
    'http://[fd00::1]:9000/',
    // An entry that names a metadata-range address allows it.
    'http://169.254.10.10/',
  ])('allows %s', (url) => {
    expect(checkUrl(p, url)).toEqual({ ok: true });
  });

  it.each([
    ['https://evil.com/', 'evil.com:443'],
    // `*.example.com` is the subdomains, not example.com itself.
    ['https://example.com/', 'example.com:443'],
    ['https://notexample.com/', 'notexample.com:443'],
    ['https://example.com.evil.com/', 'example.com.evil.com:443'],
    ['http://airflow.internal/api', 'airflow.internal:80'],
    ['http://airflow.internal:8081/api', 'airflow.internal:8081'],
    ['http://11.0.0.1/', '11.0.0.1:80'],
    ['http://[fd00::1]:9001/', '[fd00::1]:9001'],
    ['http://[fd00::2]:9000/', '[fd00::2]:9000'],
  ])('refuses %s as %s not in the list', (url, host) => {
    expect(checkUrl(p, url)).toEqual({
      ok: false,
      reason: `host ${host} is not in outbound.allowed_hosts (${LIST.join(', ')})`,
    });
  });

  it('still refuses a metadata address the list does not name', () => {
    const verdict = checkUrl(policy(['169.254.0.0/16:80']), 'http://169.254.169.254:8080/');
    expect(verdict).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^169\.254\.169\.254, a link-local/),
    });
    expect(checkUrl(policy(['169.254.0.0/16:80']), 'http://169.254.169.254/')).toEqual({
      ok: true,
    });
  });

  it('an empty list allows nothing', () => {
    expect(checkUrl(policy([]), 'https://hooks.slack.com/x')).toMatchObject({ ok: false });
  });
});

describe('checkAddress (connect time, after DNS)', () => {
  it.each([
    ['169.254.169.254', false],
    ['fd00:ec2::254', false],
    ['fe80::abcd', false],
    ['::ffff:169.254.169.254', false],
    ['100.100.100.200', false],
    ['127.0.0.1', true],
    ['10.0.0.5', true],
    ['2001:db8::1', true],
  ])('%s → allowed %s', (address, ok) => {
    const verdict = checkAddress(policy(), 'rebind.example.net', 443, address);
    expect(verdict.ok).toBe(ok);
    if (!verdict.ok)
      expect(verdict.reason).toMatch(
        /^rebind\.example\.net resolves to .*, a link-local or cloud metadata address/,
      );
  });

  it('an IP entry allows the address it names, whatever the name', () => {
    expect(
      checkAddress(policy(['169.254.169.254']), 'imds.internal', undefined, '169.254.169.254'),
    ).toEqual({
      ok: true,
    });
  });
});

describe('parseHostPattern and the outbound section', () => {
  it.each([
    ['hooks.slack.com', { kind: 'name', name: 'hooks.slack.com' }],
    ['Hooks.Slack.com:443', { kind: 'name', name: 'hooks.slack.com', port: 443 }],
    ['*.example.com', { kind: 'wildcard', suffix: '.example.com' }],
    ['10.0.0.0/8:8080', { kind: 'addresses', port: 8080 }],
    ['fd00:ec2::254', { kind: 'addresses' }],
    ['[fd00::]/8:443', { kind: 'addresses', port: 443 }],
  ])('%s', (text, expected) => {
    expect(parseHostPattern(text)).toMatchObject({ text, ...expected });
  });

  it.each([
    [
      'http://hooks.slack.com',
      'expected a host name, *.domain, an IP address or a CIDR range, optionally with :port',
    ],
    ['host:0', 'port 0 is not 1-65535'],
    ['host:70000', 'port 70000 is not 1-65535'],
    ['10.0.0.0/33', 'prefix /33 is not 0-32'],
    ['*', 'expected a host name, *.domain, an IP address or a CIDR range, optionally with :port'],
    [
      'a..b',
      'expected a host name, *.domain, an IP address or a CIDR range, optionally with :port',
    ],
    ['', 'expected a host name, *.domain, an IP address or a CIDR range, optionally with :port'],
  ])('refuses %j: %s', (text, message) => {
    expect(parseHostPattern(text)).toBe(message);
    const parsed = outboundSection.safeParse({ allowed_hosts: ['ok.example', text] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['allowed_hosts', 1],
      message: `"${text}": ${message}`,
    });
  });

  it('refuses unknown keys and a non-list', () => {
    expect(outboundSection.safeParse({ allowed: [] }).error?.issues[0]?.message).toBe(
      'unknown key "allowed"; outbound has allowed_hosts',
    );
    expect(outboundSection.safeParse({ allowed_hosts: 'a.com' }).error?.issues[0]?.message).toBe(
      'expected a list of host patterns',
    );
  });
});

describe('checkOutboundUrls', () => {
  it('names each refused destination and its host', () => {
    expect(() =>
      checkOutboundUrls(policy(['hooks.slack.com']), 'cfg.yaml', [
        { what: 'channel "ops"', url: 'https://hooks.slack.com/services/x' },
        { what: 'channel "hook"', url: 'https://evil.example.org/h' },
        { what: 'retrain target "airflow" of chimera', url: 'http://169.254.169.254/x' },
      ]),
    ).toThrow(
      [
        'cfg.yaml: outbound host refused:',
        '  channel "hook": host evil.example.org:443 is not in outbound.allowed_hosts (hooks.slack.com)',
        '  retrain target "airflow" of chimera: 169.254.169.254, a link-local or cloud metadata address: refused unless outbound.allowed_hosts names it',
      ].join('\n'),
    );
  });

  it('returns when every destination is allowed', () => {
    expect(
      checkOutboundUrls(policy(), 'cfg.yaml', [
        { what: 'channel "a"', url: 'http://127.0.0.1:1/' },
      ]),
    ).toBeUndefined();
  });
});
