// Used by scripts/bundle.mjs on each file it writes: removes the leading spaces
// and tabs of every line (tsc indents by four spaces; about 2 KB of the npm
// tarball, issue 7). Newlines stay, so stack traces keep their line numbers'
// meaning and no statement boundary moves (ASI sees the same line breaks).
// A line break inside a token (a multi-line template literal, whose indentation
// is part of the string; a string continued with a backslash) is left as it is:
// the tokens come from the typescript parser, not from matching text. The result
// must print to the same syntax tree as the input, else this throws.
import ts from 'typescript';

const parse = (name, code) => ts.createSourceFile(name, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);

/** [start, end) of every literal token (template parts, strings, regexes…) that contains a line break. */
function multiLineTokens(sf) {
  const spans = [];
  const visit = (node) => {
    if (ts.isLiteralExpression(node) || ts.isTemplateLiteralToken(node)) {
      const start = node.getStart(sf);
      if (sf.text.slice(start, node.end).includes('\n')) spans.push([start, node.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return spans.sort((a, b) => a[0] - b[0]);
}

/**
 * `code` with the indentation of each line removed, except on lines that begin
 * inside a multi-line token. `name` only labels errors. Deterministic.
 */
export function stripIndentation(code, name) {
  const sf = parse(name, code);
  const keep = multiLineTokens(sf);
  let k = 0;
  let out = '';
  let at = 0; // start of the current line
  while (at <= code.length) {
    const nl = code.indexOf('\n', at);
    const line = nl === -1 ? code.slice(at) : code.slice(at, nl + 1);
    while (k < keep.length && keep[k][1] <= at) k++;
    // The line break before `at` belongs to a token iff the token started before it and ends after it.
    const inside = k < keep.length && keep[k][0] < at && at < keep[k][1];
    out += inside ? line : line.replace(/^[ \t]+/, '');
    if (nl === -1) break;
    at = nl + 1;
  }
  const printer = ts.createPrinter({ removeComments: true });
  if (printer.printFile(parse(name, out)) !== printer.printFile(sf)) {
    throw new Error(`${name}: removing the indentation changed the syntax tree (internal error)`);
  }
  return out;
}
