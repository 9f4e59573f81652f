import { bindRefusal, isLoopback } from '../../../src/api/bind-safety';

describe('bind safety', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['example.com', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  it.each([
    ['127.0.0.1', 0, false, false],
    ['0.0.0.0', 0, false, true],
    ['0.0.0.0', 0, true, false],
    ['0.0.0.0', 2, false, false],
  ])('host %s with %d tokens, --insecure %s: refused %s', (host, tokens, insecure, refused) => {
    const reason = bindRefusal(host, tokens, insecure);
    expect(reason !== undefined).toBe(refused);
    if (refused) expect(reason).toContain('--insecure');
  });
});
