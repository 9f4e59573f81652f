import { REDACTED, redactRequest, redactUrl, scrubSecrets } from '../../../src/outbox/redact';
import { destinationKey, type OutboundRequest } from '../../../src/outbox/request';

const SLACK = 'https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX';

describe('redactUrl', () => {
  it.each([
    [SLACK, `https://hooks.slack.com/${REDACTED}`],
    ['https://alerts.example.com/hook?token=s3cr3t', `https://alerts.example.com/${REDACTED}`],
    ['https://user:pw@example.com/', `https://example.com/${REDACTED}`],
    ['http://127.0.0.1:9093/api/v2/alerts', `http://127.0.0.1:9093/${REDACTED}`],
    ['https://example.com', 'https://example.com/'],
    ['not a url', REDACTED],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('redactRequest', () => {
  it('hides the URL and credential headers and keeps the rest', () => {
    const request: OutboundRequest = {
      method: 'POST',
      url: SLACK,
      headers: { 'content-type': 'application/json', Authorization: 'Bearer t0k3n' },
      body: '{}',
      destinationKey: destinationKey('slack', SLACK),
      rateLimit: { minIntervalMs: 1000 },
    };
    const redacted = redactRequest(request);
    expect(redacted).toEqual({
      ...request,
      url: `https://hooks.slack.com/${REDACTED}`,
      headers: { 'content-type': 'application/json', Authorization: REDACTED },
    });
    expect(JSON.stringify(redacted)).not.toContain('XXXXXXXX');
    expect(JSON.stringify(redacted)).not.toContain('t0k3n');
  });
});

describe('scrubSecrets', () => {
  it('replaces every occurrence of each secret, the longest first', () => {
    const text = `fetch ${SLACK} failed; retried ${SLACK}; key whsec_abcdefgh`;
    expect(scrubSecrets(text, ['whsec_abcdefgh', 'https://hooks.slack.com', SLACK])).toBe(
      `fetch ${REDACTED} failed; retried ${REDACTED}; key ${REDACTED}`,
    );
  });

  it('leaves strings too short to be secrets alone', () => {
    expect(scrubSecrets('a status of 503', ['503'])).toBe('a status of 503');
  });
});

describe('destinationKey', () => {
  it('is stable per URL, differs between URLs and does not reveal the URL', () => {
    const key = destinationKey('slack', SLACK);
    expect(key).toMatch(/^slack:[0-9a-f]{16}$/);
    expect(destinationKey('slack', SLACK)).toBe(key);
    expect(destinationKey('slack', `${SLACK}Y`)).not.toBe(key);
    expect(key).not.toContain('hooks');
  });
});
