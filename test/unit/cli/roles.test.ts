import { parseRoles } from '../../../src/cli/roles';
import { ConfigError } from '../../../src/errors';

describe('serve --role', () => {
  it.each([
    ['ingest,api,scheduler', ['ingest', 'api', 'scheduler']],
    ['scheduler', ['scheduler']],
    [' ingest , api ', ['ingest', 'api']],
    ['api,api', ['api']],
  ])('%j runs %j', (text, roles) => {
    expect([...parseRoles(text)]).toEqual(roles);
  });

  it.each([
    ['', '--role: expected one or more of ingest, api, scheduler, got nothing'],
    [
      'ingest,ui',
      '--role: unknown role "ui"; expected a comma-separated list of ingest, api, scheduler',
    ],
  ])('refuses %j with a message naming it', (text, message) => {
    expect(() => parseRoles(text)).toThrow(ConfigError);
    expect(() => parseRoles(text)).toThrow(message);
  });
});
