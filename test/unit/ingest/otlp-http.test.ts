import { encodingOf, grpcCodeOf } from '../../../src/ingest/otlp-http';

describe('encodingOf', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['Application/JSON;charset=UTF-8', 'json'],
    ['  application/x-protobuf ; foo=bar', 'protobuf'],
    ['application/protobuf', undefined],
    ['application/x-ndjson', undefined],
    ['text/plain', undefined],
    ['application/jsonx', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j is %j', (header, expected) => {
    expect(encodingOf(header)).toBe(expected);
  });
});

describe('grpcCodeOf', () => {
  it.each([
    [400, 3],
    [401, 16],
    [403, 7],
    [404, 5],
    [405, 12],
    [413, 8],
    [415, 3],
    [429, 8],
    [500, 13],
    [502, 14],
    [503, 14],
    [504, 4],
    [418, 3],
    [599, 13],
  ])('HTTP %i answers google.rpc.Code %i', (status, code) => {
    expect(grpcCodeOf(status)).toBe(code);
  });
});
