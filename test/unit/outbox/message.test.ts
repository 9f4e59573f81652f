import { MESSAGE_ID, storedRequest } from '../../../src/outbox/message';
import { destinationKey } from '../../../src/outbox/request';

const URL = 'https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX';

describe('storedRequest', () => {
  it('keeps method, body, plain headers and the pace; drops the URL and credential headers', () => {
    const stored = storedRequest({
      method: 'POST',
      url: URL,
      headers: { 'content-type': 'application/json', Authorization: 'Bearer t0k3n-t0k3n' },
      body: '{"text":"hi"}',
      destinationKey: destinationKey('slack', URL),
      rateLimit: { minIntervalMs: 1000 },
    });
    expect(stored).toEqual({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text":"hi"}',
      rateLimit: { minIntervalMs: 1000 },
    });
    expect(JSON.stringify(stored)).not.toContain('XXXX');
  });
});

describe('MESSAGE_ID', () => {
  it.each([
    ['msg_2b4f0c1e-8a1d-4c55-9d0f-3f0d7e1d2a44', true],
    ['alert:ttft-p95.llama-3-8b', true],
    ['', false],
    ['has space', false],
    ['x'.repeat(129), false],
  ])('%s → %s', (id, ok) => {
    expect(MESSAGE_ID.test(id)).toBe(ok);
  });
});
