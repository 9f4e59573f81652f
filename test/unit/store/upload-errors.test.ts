import { engineReason } from '../../../src/store/repositories/upload-profiles';

describe('the reason quoted when the engine refuses an upload', () => {
  it('drops the query the engine quotes (it holds the whole file)', () => {
    // As the engine answered a CSV whose column name held a backslash (before columns were read
    // by position).
    const file = '"a\\\\b",c\\n1,x\\n2,y\\n'.repeat(50);
    const message = `Unknown expression or function identifier \`a\\\\\\\\b\` in scope SELECT kv.1 AS k, assumeNotNull(kv.2) AS v FROM format(CSVWithNames, '${file}') ARRAY JOIN [tuple('a\\\\b', toFloat64(\`a\\\\\\\\b\`))] AS kv. (UNKNOWN_IDENTIFIER) (version 25.8.1.1)`;
    expect(engineReason(message)).toBe('Unknown expression or function identifier `a\\\\\\\\b`');
  });

  it('keeps a parse error whole and cuts any reason at 500 characters', () => {
    const parse = "Cannot parse input: expected ',' before: 'x\\n'";
    expect(engineReason(parse)).toBe(parse);
    expect(engineReason('y'.repeat(2000))).toBe(`${'y'.repeat(500)}…`);
  });
});
