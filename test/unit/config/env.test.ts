import { resolve } from 'node:path';
import { parseEnv } from '../../../src/config/env';
import { ConfigError } from '../../../src/errors';

const TOKENS = 'grafana:0123456789abcdef0123:read,collector:fedcba9876543210fedc:ingest';

describe('parseEnv', () => {
  it('applies the documented defaults to an empty environment', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      dataDir: resolve('./data'),
      clickhouse: {
        url: undefined,
        user: 'default',
        password: '',
        database: 'insightagent',
        cluster: undefined,
      },
      host: '127.0.0.1',
      otlpPort: 4318,
      apiPort: 8080,
      configFile: undefined,
      tokens: [],
      retention: { rawDays: 30, rollupDays: 395 },
      logLevel: 'info',
    });
  });

  it.each([
    ['INSIGHTAGENT_API_PORT', '9090', (e: ReturnType<typeof parseEnv>) => e.apiPort, 9090],
    ['INSIGHTAGENT_OTLP_PORT', '0', (e: ReturnType<typeof parseEnv>) => e.otlpPort, 0],
    [
      'INSIGHTAGENT_DATA_DIR',
      '/var/lib/ia',
      (e: ReturnType<typeof parseEnv>) => e.dataDir,
      '/var/lib/ia',
    ],
    [
      'CLICKHOUSE_URL',
      'https://ch.example:8443',
      (e: ReturnType<typeof parseEnv>) => e.clickhouse.url,
      'https://ch.example:8443',
    ],
    [
      'CLICKHOUSE_DATABASE',
      'mon_prod',
      (e: ReturnType<typeof parseEnv>) => e.clickhouse.database,
      'mon_prod',
    ],
    ['LOG_LEVEL', 'debug', (e: ReturnType<typeof parseEnv>) => e.logLevel, 'debug'],
    [
      'INSIGHTAGENT_RETENTION_DAYS',
      '7',
      (e: ReturnType<typeof parseEnv>) => e.retention.rawDays,
      7,
    ],
    ['INSIGHTAGENT_HOST', '0.0.0.0', (e: ReturnType<typeof parseEnv>) => e.host, '0.0.0.0'],
    [
      'INSIGHTAGENT_CONFIG',
      '/etc/ia.yaml',
      (e: ReturnType<typeof parseEnv>) => e.configFile,
      '/etc/ia.yaml',
    ],
    ['INSIGHTAGENT_API_PORT', '', (e: ReturnType<typeof parseEnv>) => e.apiPort, 8080],
  ])('accepts %s=%j', (name, value, pick, expected) => {
    expect(pick(parseEnv({ [name]: value }))).toEqual(expected);
  });

  it('parses tokens with their scopes', () => {
    const env = parseEnv({ INSIGHTAGENT_TOKENS: TOKENS });
    expect(env.tokens.map((t) => [t.name, [...t.scopes]])).toEqual([
      ['grafana', ['read']],
      ['collector', ['ingest']],
    ]);
  });

  it('accepts a cluster together with a server URL', () => {
    const env = parseEnv({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: 'prod_cluster' });
    expect(env.clickhouse.cluster).toBe('prod_cluster');
  });

  it.each([
    [
      { INSIGHTAGENT_API_PORT: 'abc' },
      'INSIGHTAGENT_API_PORT: expected a port number (0-65535), got "abc"',
    ],
    [
      { INSIGHTAGENT_API_PORT: '70000' },
      'INSIGHTAGENT_API_PORT: expected a port number (0-65535), got 70000',
    ],
    [
      { INSIGHTAGENT_OTLP_PORT: '-1' },
      'INSIGHTAGENT_OTLP_PORT: expected a port number (0-65535), got "-1"',
    ],
    [
      { INSIGHTAGENT_OTLP_PORT: '4318.5' },
      'INSIGHTAGENT_OTLP_PORT: expected a port number (0-65535), got "4318.5"',
    ],
    [
      { CLICKHOUSE_URL: 'ch:8123' },
      'CLICKHOUSE_URL: expected an http:// or https:// URL such as http://clickhouse:8123, got "ch:8123"',
    ],
    [{ CLICKHOUSE_URL: 'tcp://ch:9000' }, 'CLICKHOUSE_URL: expected an http:// or https:// URL'],
    [
      { CLICKHOUSE_DATABASE: 'my-db' },
      'CLICKHOUSE_DATABASE: expected a database name: letters, digits and _ not starting with a digit, got "my-db"',
    ],
    [{ CLICKHOUSE_DATABASE: 'x; DROP TABLE y' }, 'CLICKHOUSE_DATABASE: expected a database name'],
    [{ CLICKHOUSE_CLUSTER: 'c1' }, 'CLICKHOUSE_CLUSTER: needs CLICKHOUSE_URL'],
    [
      { CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_CLUSTER: '1c' },
      'CLICKHOUSE_CLUSTER: expected a cluster name',
    ],
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ],
    [
      { INSIGHTAGENT_RETENTION_DAYS: '0' },
      'INSIGHTAGENT_RETENTION_DAYS: expected a number of days (1-3650), got 0',
    ],
    [
      { INSIGHTAGENT_TOKENS: 'grafana:short:read' },
      'INSIGHTAGENT_TOKENS: entry 1 ("grafana"): secret is 5 characters, at least 16 are required',
    ],
    [
      { INSIGHTAGENT_TOKENS: 'grafana:0123456789abcdef0123:write' },
      'INSIGHTAGENT_TOKENS: entry 1 ("grafana"): unknown scope "write", expected one of ingest, read, admin',
    ],
    [
      { INSIGHTAGENT_TOKENS: 'no-colons-here' },
      'INSIGHTAGENT_TOKENS: entry 1: expected name:secret:scope+scope',
    ],
  ])('refuses %j with a message naming the variable', (source, message) => {
    expect(() => parseEnv(source)).toThrow(ConfigError);
    expect(() => parseEnv(source)).toThrow(message);
  });

  it('lists every bad variable at once', () => {
    let message = '';
    try {
      parseEnv({ INSIGHTAGENT_API_PORT: 'x', LOG_LEVEL: 'loud' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('INSIGHTAGENT_API_PORT:');
    expect(message).toContain('LOG_LEVEL:');
  });

  it('never echoes a token secret in its message', () => {
    expect(() => parseEnv({ INSIGHTAGENT_TOKENS: 'a:supersecretvalue1234' })).toThrow(/colon/);
    try {
      parseEnv({ INSIGHTAGENT_TOKENS: 'a:supersecretvalue1234' });
    } catch (err) {
      expect((err as Error).message).not.toContain('supersecret');
    }
  });
});
