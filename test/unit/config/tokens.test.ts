import { hasScope, parseTokens } from '../../../src/config/tokens';

describe('parseTokens', () => {
  it('reads several entries, keeping colons inside the secret', () => {
    const tokens = parseTokens(
      ' ops:abc:def:ghijklmnopqr:admin , app:0123456789abcdef:ingest+read ',
    );
    expect(tokens.map((t) => t.name)).toEqual(['ops', 'app']);
    expect([...(tokens[1]?.scopes ?? [])]).toEqual(['ingest', 'read']);
  });

  it.each([
    ['a:0123456789abcdef:read,a:fedcba9876543210:read', 'token name "a" is used twice'],
    ['a:0123456789abcdef:read,b:0123456789abcdef:read', 'the same secret is given to two tokens'],
    ['bad name:0123456789abcdef:read', 'may hold only letters'],
    [':0123456789abcdef:read', 'expected name:secret:scope+scope'],
    ['a:0123456789abcdef:read+', 'unknown scope ""'],
  ])('refuses %j', (spec, message) => {
    expect(() => parseTokens(spec)).toThrow(message);
  });

  it.each([
    ['read', 'read', true],
    ['read', 'ingest', false],
    ['ingest', 'admin', false],
    ['admin', 'read', true],
    ['admin', 'ingest', true],
  ] as const)('a %s token %s granted: %s', (has, wants, granted) => {
    const [token] = parseTokens(`t:0123456789abcdef:${has}`);
    expect(token && hasScope(token, wants)).toBe(granted);
  });
});
