/* cspm.js - CSPM's syntax for the editor: a CodeMirror stream tokenizer
 * (comments, strings, numbers, keywords, builtin processes, process and
 * channel names, operators). Highlighting only: what is an error is
 * cspi's to say (web/api.c's diagnostics). */
import { StreamLanguage } from '@codemirror/language';

const keywords = new Set([
  'channel', 'datatype', 'subtype', 'nametype', 'assert', 'not', 'if', 'then', 'else',
  'let', 'within', 'and', 'or', 'include', 'transparent', 'external', 'module',
  'exports', 'endmodule', 'instance', 'Timed', 'print', 'of',
]);
const atoms = new Set(['STOP', 'SKIP', 'CHAOS', 'DIV', 'RUN', 'true', 'false', 'Events', 'Int', 'Bool',
  'Char', 'Proc', 'Set', 'Seq']);
/* Longest first, so '[FD=' wins over '[F=' and '[|' over '['. */
const operators = ['[FD=', '[T=', '[F=', '[R=', '|~|', '|||', '[|', '|]', '[+', '+]', '[>', '/\\', '[]',
  '->', '<-', '<->', '[[', ']]', '|\\', ':[', ']:', '&', ';', '\\', '@', '||', '==', '!=', '<=', '>=',
  '..', '?', '!', '^', '#'];

function tokenBlockComment(stream, state) {
  while (!stream.eol()) {
    if (stream.match('-}')) {
      state.comment = false;
      return 'comment';
    }
    stream.next();
  }
  return 'comment';
}

export const cspm = StreamLanguage.define({
  name: 'cspm',
  startState: () => ({ comment: false }),
  token(stream, state) {
    if (state.comment) return tokenBlockComment(stream, state);
    if (stream.eatSpace()) return null;
    if (stream.match('--')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('{-')) {
      state.comment = true;
      return tokenBlockComment(stream, state);
    }
    if (stream.match(/^"([^"\\]|\\.)*"?/)) return 'string';
    if (stream.match(/^'([^'\\]|\\.)'/)) return 'string';
    if (stream.match(/^[0-9]+/)) return 'number';
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_']*/);
    if (word) {
      const w = word[0];
      if (keywords.has(w)) return 'keyword';
      if (atoms.has(w)) return 'atom';
      if (/^[A-Z]/.test(w)) return 'typeName';
      return 'variableName';
    }
    for (const op of operators) if (stream.match(op)) return 'operator';
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '--', block: { open: '{-', close: '-}' } } },
});
