import { parseEnv } from '../../../src/config/env';
import { chooseConnection, describeConnection } from '../../../src/store/connection';

describe('store connection choice', () => {
  it('is the embedded store under the data directory when CLICKHOUSE_URL is unset', () => {
    const choice = chooseConnection(parseEnv({ INSIGHTAGENT_DATA_DIR: '/srv/ia' }));
    expect(choice).toEqual({
      kind: 'embedded',
      path: '/srv/ia/clickhouse',
      database: 'insightagent',
    });
    expect(describeConnection(choice)).toBe(
      'embedded ClickHouse at /srv/ia/clickhouse, database insightagent',
    );
  });

  it('is a ClickHouse server over HTTP when CLICKHOUSE_URL is set, credentials and cluster passed on', () => {
    const choice = chooseConnection(
      parseEnv({
        CLICKHOUSE_URL: 'https://ch.internal:8443',
        CLICKHOUSE_USER: 'ia',
        CLICKHOUSE_PASSWORD: 'pw',
        CLICKHOUSE_DATABASE: 'mon',
        CLICKHOUSE_CLUSTER: 'prod',
      }),
    );
    expect(choice).toEqual({
      kind: 'server',
      url: 'https://ch.internal:8443',
      username: 'ia',
      password: 'pw',
      database: 'mon',
      cluster: 'prod',
    });
  });

  it('never prints credentials when describing a server', () => {
    const choice = chooseConnection(
      parseEnv({ CLICKHOUSE_URL: 'http://u:secretpw@ch:8123', CLICKHOUSE_PASSWORD: 'pw2' }),
    );
    const text = describeConnection(choice);
    expect(text).toBe('ClickHouse server http://ch:8123, database insightagent');
    expect(text).not.toContain('secretpw');
  });
});
