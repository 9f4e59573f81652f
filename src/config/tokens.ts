import { createHash } from 'node:crypto';

/** What a token may do. `admin` implies every other scope. */
export type Scope = 'ingest' | 'read' | 'admin';

/** The scopes a token can be given, in the order the docs list them. */
export const SCOPES: readonly Scope[] = ['ingest', 'read', 'admin'];

/** One API token; the secret is kept only as its SHA-256 so comparisons take constant time. */
export interface ApiToken {
  name: string;
  secretSha256: Buffer;
  scopes: ReadonlySet<Scope>;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
/** Shortest secret accepted: 16 characters, so a token cannot be guessed. */
export const MIN_SECRET_LENGTH = 16;

/** Returns the SHA-256 of a secret, the form tokens are compared in. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/**
 * Parses INSIGHTAGENT_TOKENS (`name:secret:scope+scope,...`); throws an Error naming the entry
 * and what is wrong. The secret is everything between the first and the last colon.
 */
export function parseTokens(spec: string): ApiToken[] {
  const tokens: ApiToken[] = [];
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first <= 0 || last === first) {
      throw new Error(`${where}: expected name:secret:scope+scope, got ${describeEntry(entry)}`);
    }
    const name = entry.slice(0, first);
    const secret = entry.slice(first + 1, last);
    const scopeText = entry.slice(last + 1);
    if (!NAME.test(name)) {
      throw new Error(`${where}: token name "${name}" may hold only letters, digits, _ . -`);
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `${where} ("${name}"): secret is ${secret.length} characters, at least ${MIN_SECRET_LENGTH} are required`,
      );
    }
    const scopes = new Set<Scope>();
    for (const scope of scopeText.split('+')) {
      if (!(SCOPES as readonly string[]).includes(scope)) {
        throw new Error(
          `${where} ("${name}"): unknown scope "${scope}", expected one of ${SCOPES.join(', ')}`,
        );
      }
      scopes.add(scope as Scope);
    }
    if (tokens.some((t) => t.name === name)) {
      throw new Error(`${where}: token name "${name}" is used twice`);
    }
    const secretSha256 = hashSecret(secret);
    if (tokens.some((t) => t.secretSha256.equals(secretSha256))) {
      throw new Error(`${where} ("${name}"): the same secret is given to two tokens`);
    }
    tokens.push({ name, secretSha256, scopes });
  });
  return tokens;
}

/** Decides whether a token grants a scope (`admin` grants all). */
export function hasScope(token: ApiToken, scope: Scope): boolean {
  return token.scopes.has(scope) || token.scopes.has('admin');
}

// Names the shape of a malformed entry without echoing a secret into logs.
function describeEntry(entry: string): string {
  return `${entry.split(':').length - 1} colon(s) in a ${entry.length}-character entry`;
}
