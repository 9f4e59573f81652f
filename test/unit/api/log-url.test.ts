// The access log's URL: credential-named query values hidden, everything else as sent.
import { loggedUrl } from '../../../src/api/log-url';
import { REDACTED } from '../../../src/outbox/redact';

it.each([
  ['/api/v1/models', '/api/v1/models'],
  [
    '/api/v1/reports/insight?model=chimera&window=1h',
    '/api/v1/reports/insight?model=chimera&window=1h',
  ],
  ['/api/v1/models?token=abc', `/api/v1/models?token=${encodeURIComponent(REDACTED)}`],
  [
    '/x?access_token=a&api_key=b&model=m',
    `/x?access_token=${encodeURIComponent(REDACTED)}&api_key=${encodeURIComponent(REDACTED)}&model=m`,
  ],
  [
    '/x?Password=p&password=q',
    `/x?Password=${encodeURIComponent(REDACTED)}&password=${encodeURIComponent(REDACTED)}`,
  ],
])('%s is logged as %s', (url, logged) => {
  expect(loggedUrl(url)).toBe(logged);
});
