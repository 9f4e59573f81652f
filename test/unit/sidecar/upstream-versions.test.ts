// How an upstream's model version is learnt: what a /v1/models card or a v2 model metadata names,
// and when the upstream is asked again (stale after 30 s, after a failed batch, 1 s after a
// failed ask), one ask per model at a time.

import { versionOfMetadata } from '../../../src/sidecar/backends/kserve';
import { versionOfCard } from '../../../src/sidecar/backends/openai';
import { UpstreamVersions } from '../../../src/sidecar/upstream-versions';

describe('versionOfCard', () => {
  const card = { id: 'm', object: 'model', owned_by: 'vllm', root: '/w/m', max_model_len: 8 };

  it('ignores created and permission, which are stamped at each call', () => {
    const a = versionOfCard({ ...card, created: 1, permission: [{ id: 'modelperm-1' }] });
    expect(a).toMatch(/^m:[0-9a-f]{12}$/);
    expect(versionOfCard({ ...card, created: 2, permission: [{ id: 'modelperm-2' }] })).toBe(a);
  });

  it.each([
    ['root', { root: '/w/m-2' }],
    ['max_model_len', { max_model_len: 16 }],
    ['parent', { parent: 'base' }],
  ])('a new %s is a new version', (_field, change) => {
    expect(versionOfCard({ ...card, ...change })).not.toBe(versionOfCard(card));
  });
});

describe('versionOfMetadata', () => {
  it.each([
    [{ name: 'm', versions: ['1'] }, '1'],
    [{ name: 'm', versions: ['2', '10', '9'] }, '10'],
  ])('%j → %s, pinned', (metadata, version) => {
    expect(versionOfMetadata(metadata)).toEqual({ version, pinned: true });
  });

  it.each([
    [{ name: 'm', platform: 'python' }],
    [{ name: 'm', versions: [] }],
    [{ name: 'm', versions: ['v1-beta'] }],
  ])('%j → the name and a digest, unpinned', (metadata) => {
    const found = versionOfMetadata(metadata);
    expect(found.pinned).toBe(false);
    expect(found.version).toMatch(/^m:[0-9a-f]{12}$/);
  });
});

describe('UpstreamVersions', () => {
  let clock = 0;
  let answer: string | Error = 'v1';
  const asked: string[] = [];
  const versions = () =>
    new UpstreamVersions({
      fallback: 'unknown',
      now: () => clock,
      ask: async (model) => {
        asked.push(model);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });

  beforeEach(() => {
    clock = 0;
    answer = 'v1';
    asked.length = 0;
  });

  it('asks once, again after 30 s', async () => {
    const v = versions();
    expect(v.last).toBe('unknown');
    expect(await v.get('m')).toBe('v1');
    expect(v.last).toBe('v1');
    answer = 'v2';
    clock = 29_999;
    expect(await v.get('m')).toBe('v1');
    clock = 30_000;
    expect(await v.get('m')).toBe('v2');
    expect(asked).toEqual(['m', 'm']);
  });

  it('one ask at a time per model; each model asked on its own', async () => {
    const v = versions();
    expect(await Promise.all([v.get('m'), v.get('m'), v.get('n')])).toEqual(['v1', 'v1', 'v1']);
    expect(asked).toEqual(['m', 'n']);
  });

  it('expire makes the next get ask again', async () => {
    const v = versions();
    await v.get('m');
    answer = 'v2';
    v.expire('m');
    expect(await v.get('m')).toBe('v2');
  });

  it('a failed ask keeps the last version (or the fallback) and asks again after 1 s', async () => {
    const v = versions();
    answer = new Error('down');
    expect(await v.get('m')).toBe('unknown');
    answer = 'v1';
    clock = 999;
    expect(await v.get('m')).toBe('unknown');
    clock = 1_000;
    expect(await v.get('m')).toBe('v1');
    answer = new Error('down');
    clock = 31_000;
    expect(await v.get('m')).toBe('v1');
    expect(asked).toHaveLength(3);
  });
});

it('an ask that throws at once is a failed ask, told to onAskError, not a failed request', async () => {
  const errors: Array<[string, unknown]> = [];
  const v = new UpstreamVersions({
    fallback: 'unknown',
    ask: () => {
      throw new Error('bad url');
    },
    onAskError: (model, err) => errors.push([model, err]),
  });
  await expect(v.get('m')).resolves.toBe('unknown');
  expect(errors).toEqual([['m', new Error('bad url')]]);
});
