// Checks the yaml library leaves to its callers or makes too slowly for hostile input: nesting
// depth (its composer recurses per level, and a deep enough file overflows the stack — inside a
// regular expression V8 then aborts the process instead of throwing), and duplicate keys (its
// own check compares every key with every other: a 20,000-key mapping took 30 s on a loaded
// 2-core machine).
import { type Document, isMap, isScalar, Lexer, type LineCounter, Parser, visit } from 'yaml';

/**
 * Returns the offset where `text` nests mappings, lists or flow collections deeper than `max`
 * levels, or undefined when it does not. Reads tokens one at a time and stops at that point.
 */
export function tooDeepAt(text: string, max: number): number | undefined {
  const parser = new Parser();
  for (const lexeme of new Lexer().lex(text)) {
    for (const _ of parser.next(lexeme)) {
      // whole documents: only the depth on the way matters here
    }
    // The parser's stack holds the document and each open collection (and the token being read).
    if (parser.stack.length > max + 2) return parser.offset;
  }
  return undefined;
}

/** Returns one `line L, column C: duplicate key "k"` per key repeated in the same mapping. */
export function duplicateKeys(doc: Document, lineCounter: LineCounter): string[] {
  const problems: string[] = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        // As the library compares: scalars by value, other keys never equal.
        if (!isScalar(key)) continue;
        const id = `${typeof key.value}:${String(key.value)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        const pos = lineCounter.linePos(key.range?.[0] ?? 0);
        problems.push(
          `line ${pos.line}, column ${pos.col}: duplicate key ${JSON.stringify(String(key.value))}`,
        );
      }
    },
  });
  return problems;
}
