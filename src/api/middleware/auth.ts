import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type ApiToken, hashSecret, hasScope, type Scope } from '../../config/tokens';
import { AppError } from '../../errors';

/** The caller, once authenticated; undefined when no tokens are configured. */
export interface Principal {
  name: string;
  token: ApiToken;
}

/** Returns the token whose secret matches, comparing every token in constant time. */
export function findToken(tokens: readonly ApiToken[], secret: string): ApiToken | undefined {
  const digest = hashSecret(secret);
  let found: ApiToken | undefined;
  for (const token of tokens) {
    // No early exit: the time taken does not say which token (if any) matched.
    if (timingSafeEqual(token.secretSha256, digest)) found = token;
  }
  return found;
}

/**
 * Returns middleware that admits a request only with a bearer token holding `scope`: 401 without
 * or with an unknown token, 403 with the wrong scope. With no tokens configured every request is
 * admitted (the server then listens on loopback only).
 */
export function requireScope(tokens: readonly ApiToken[], scope: Scope): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (tokens.length === 0) return next();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="insightagent"');
      return next(
        new AppError(
          'unauthenticated',
          401,
          'missing bearer token: send "Authorization: Bearer <token>"',
        ),
      );
    }
    const token = findToken(tokens, match[1]);
    if (token === undefined) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="insightagent", error="invalid_token"');
      return next(new AppError('unauthenticated', 401, 'unknown bearer token'));
    }
    if (!hasScope(token, scope)) {
      return next(
        new AppError('forbidden', 403, `token "${token.name}" lacks the "${scope}" scope`),
      );
    }
    res.locals.principal = { name: token.name, token } satisfies Principal;
    return next();
  };
}
