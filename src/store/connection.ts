import { join } from 'node:path';
import type { Env } from '../config/env';

/** Where the store lives: in this process (chDB) or on a ClickHouse server. */
export type ConnectionChoice =
  | { kind: 'embedded'; path: string; database: string }
  | {
      kind: 'server';
      url: string;
      username: string;
      password: string;
      database: string;
      cluster?: string;
    };

/** Decides the store connection: a ClickHouse server when CLICKHOUSE_URL is set, else embedded. */
export function chooseConnection(env: Pick<Env, 'dataDir' | 'clickhouse'>): ConnectionChoice {
  const ch = env.clickhouse;
  if (ch.url === undefined) {
    return { kind: 'embedded', path: embeddedStorePath(env.dataDir), database: ch.database };
  }
  return {
    kind: 'server',
    url: ch.url,
    username: ch.user,
    password: ch.password,
    database: ch.database,
    ...(ch.cluster === undefined ? {} : { cluster: ch.cluster }),
  };
}

/** Returns the embedded ClickHouse directory inside the data directory. */
export function embeddedStorePath(dataDir: string): string {
  return join(dataDir, 'clickhouse');
}

/** Describes a connection for logs, without credentials. */
export function describeConnection(choice: ConnectionChoice): string {
  if (choice.kind === 'embedded')
    return `embedded ClickHouse at ${choice.path}, database ${choice.database}`;
  const url = new URL(choice.url);
  url.username = '';
  url.password = '';
  const where = choice.cluster === undefined ? '' : `, cluster ${choice.cluster}`;
  return `ClickHouse server ${url.origin}${url.pathname === '/' ? '' : url.pathname}, database ${choice.database}${where}`;
}
