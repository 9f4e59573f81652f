// `serve --role`: which parts of the service this process runs. One process runs all three by
// default; a scaled deployment runs any number of `ingest,api` replicas and exactly one
// `scheduler` (jobs are idempotent per window, attribution moves scores in one process only).
import { ConfigError } from '../errors';

/** A part of `serve`: the OTLP receiver, the REST API, or the scheduled jobs. */
export type Role = 'ingest' | 'api' | 'scheduler';

/** Every role, the default of `serve`. */
export const ALL_ROLES: readonly Role[] = ['ingest', 'api', 'scheduler'];

/** Returns the roles named in a comma-separated list; throws a ConfigError naming a bad one. */
export function parseRoles(text: string): ReadonlySet<Role> {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) {
    throw new ConfigError(`--role: expected one or more of ${ALL_ROLES.join(', ')}, got nothing`);
  }
  for (const name of names) {
    if (!(ALL_ROLES as readonly string[]).includes(name)) {
      throw new ConfigError(
        `--role: unknown role "${name}"; expected a comma-separated list of ${ALL_ROLES.join(', ')}`,
      );
    }
  }
  return new Set(names as Role[]);
}
