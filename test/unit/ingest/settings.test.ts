import { parseFileConfig } from '../../../src/config/file';
import { ConfigError } from '../../../src/errors';
import { DEFAULT_REQUEST_SPAN_KEYS, DEFAULT_SCORE_RANGES } from '../../../src/ingest/genai';
import { DEFAULT_MAX_BODY_BYTES } from '../../../src/ingest/settings';
import { DEFAULT_WRITER_LIMITS } from '../../../src/ingest/writer';

const parse = (text: string) => parseFileConfig(text, 'test.yaml', {}).ingest;

describe('the ingest section of the YAML configuration', () => {
  it('defaults to the mapping and writer defaults when absent or empty', () => {
    const defaults = {
      requestSpanKeys: DEFAULT_REQUEST_SPAN_KEYS,
      scoreRanges: DEFAULT_SCORE_RANGES,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      writer: DEFAULT_WRITER_LIMITS,
    };
    expect(parse('')).toEqual(defaults);
    expect(parse('ingest: {}')).toEqual(defaults);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(64 * 1024 * 1024);
  });

  it('reads every key; score ranges add to the defaults, a name given replaces its default', () => {
    const text = [
      'ingest:',
      '  request_span_keys: [llm.model]',
      '  score_ranges:',
      '    accuracy: [0, 100]',
      '    toxicity: [-1, 1]',
      '  max_body_bytes: 1048576',
      '  writer:',
      '    max_batch_rows: 500',
      '    max_delay_ms: 0',
      '    max_queue_bytes: 4096',
      '    cooldown_ms: 500',
    ].join('\n');
    expect(parse(text)).toEqual({
      requestSpanKeys: ['llm.model'],
      scoreRanges: {
        accuracy: { min: 0, max: 100 },
        coherence: { min: 0, max: 1 },
        toxicity: { min: -1, max: 1 },
      },
      maxBodyBytes: 1_048_576,
      writer: { maxBatchRows: 500, maxDelayMs: 0, maxQueueBytes: 4096, cooldownMs: 500 },
    });
  });

  it('keeps writer defaults for the keys not given', () => {
    expect(parse('ingest:\n  writer:\n    max_delay_ms: 20').writer).toEqual({
      ...DEFAULT_WRITER_LIMITS,
      maxDelayMs: 20,
    });
  });

  it.each([
    ['ingest: []', 'ingest: expected a mapping'],
    [
      'ingest:\n  request_span_key: [a]',
      'ingest: unknown key "request_span_key"; expected request_span_keys, score_ranges, max_body_bytes, writer',
    ],
    [
      'ingest:\n  request_span_keys: []',
      'ingest.request_span_keys: expected at least one attribute key',
    ],
    [
      'ingest:\n  request_span_keys: a.b',
      'ingest.request_span_keys: expected a list of attribute keys',
    ],
    [
      'ingest:\n  request_span_keys: [""]',
      'ingest.request_span_keys[0]: expected a non-empty attribute key',
    ],
    [
      'ingest:\n  score_ranges: [0, 1]',
      'ingest.score_ranges: expected a mapping of name: [min, max]',
    ],
    [
      'ingest:\n  score_ranges:\n    accuracy: 1',
      'ingest.score_ranges.accuracy: expected [min, max], got 1',
    ],
    [
      'ingest:\n  score_ranges:\n    accuracy: [1, 0]',
      'ingest.score_ranges.accuracy: expected [min, max] with min <= max, got [1,0]',
    ],
    [
      'ingest:\n  score_ranges:\n    accuracy: [0, .inf]',
      'ingest.score_ranges.accuracy[1]: expected a finite number',
    ],
    [
      'ingest:\n  score_ranges:\n    accuracy: [0, "1"]',
      'ingest.score_ranges.accuracy[1]: expected a finite number, got "1"',
    ],
    [
      'ingest:\n  max_body_bytes: 10',
      'ingest.max_body_bytes: expected bytes, a whole number from 1024 to 1073741824, got 10',
    ],
    [
      'ingest:\n  max_body_bytes: 64MiB',
      'ingest.max_body_bytes: expected bytes, a whole number from 1024 to 1073741824, got "64MiB"',
    ],
    [
      'ingest:\n  writer:\n    max_batch_rows: 1.5',
      'ingest.writer.max_batch_rows: expected rows per flush, a whole number from 1 to 1000000, got 1.5',
    ],
    [
      'ingest:\n  writer:\n    batch: 1',
      'ingest.writer: unknown key "batch"; expected max_batch_rows, max_delay_ms, max_queue_bytes, cooldown_ms',
    ],
  ])('refuses %j, naming the path', (text, message) => {
    expect(() => parse(text)).toThrow(ConfigError);
    expect(() => parse(text)).toThrow(message);
  });
});
