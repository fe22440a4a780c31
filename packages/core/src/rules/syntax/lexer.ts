/**
 * The lexer of AWS IoT SQL: words, numbers, quoted strings and punctuation, with offsets.
 *
 * Strings take single or double quotes (the AWS reference uses both: `'topic/subtopic'`,
 * `startswith("ranger", "ran")`); the quote character is escaped by doubling it (`'o''brien'`),
 * and a backslash is an ordinary character, so Java-style regular expressions such as `'\d+'`
 * reach the regex engine unchanged. Keywords are case-insensitive, so a word token carries its
 * upper-cased spelling for the parser. IoT SQL has no comments: `--` is two minus signs.
 * `!=` is lexed only so the parser can say that IoT SQL spells it `<>`.
 *
 * The lexer is incremental (`next()`), because a `${expression}` substitution template ends at
 * the first `}` outside the expression and the text after it need not be SQL at all.
 */
import { fail } from "./position.ts"

export type TokenKind = "word" | "number" | "string" | "punct" | "eof"

export interface Token {
  readonly kind: TokenKind
  /** The word, number or punctuation as written; for strings, the decoded value. */
  readonly text: string
  /** Upper-cased `text` of a word, for keyword checks. */
  readonly upper: string
  readonly offset: number
  readonly end: number
}

const TWO_CHAR_PUNCT = new Set(["<>", "<=", ">=", "!="])
const ONE_CHAR_PUNCT = new Set([
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ".",
  "*",
  "/",
  "%",
  "+",
  "-",
  "=",
  "<",
  ">",
  ":",
])

const isDigit = (c: number) => c >= 48 && c <= 57
const isWordStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
const isWordPart = (c: number) => isWordStart(c) || isDigit(c)
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12

export class Lexer {
  private pos: number

  constructor(
    readonly source: string,
    start = 0,
  ) {
    this.pos = start
  }

  /** Offset just after the last token returned. */
  get position(): number {
    return this.pos
  }

  next(): Token {
    const src = this.source
    let pos = this.pos
    while (pos < src.length && isSpace(src.charCodeAt(pos))) pos++
    const start = pos
    if (pos >= src.length) {
      this.pos = pos
      return { kind: "eof", text: "", upper: "", offset: start, end: start }
    }
    const c = src.charCodeAt(pos)
    if (isWordStart(c)) {
      while (pos < src.length && isWordPart(src.charCodeAt(pos))) pos++
      const text = src.slice(start, pos)
      this.pos = pos
      return { kind: "word", text, upper: text.toUpperCase(), offset: start, end: pos }
    }
    if (isDigit(c)) {
      while (pos < src.length && isDigit(src.charCodeAt(pos))) pos++
      if (src.charCodeAt(pos) === 46 && isDigit(src.charCodeAt(pos + 1))) {
        pos += 2
        while (pos < src.length && isDigit(src.charCodeAt(pos))) pos++
      }
      const e = src.charCodeAt(pos)
      if (e === 69 || e === 101) {
        const sign = src.charCodeAt(pos + 1)
        const digitsAt = sign === 43 || sign === 45 ? pos + 2 : pos + 1
        if (isDigit(src.charCodeAt(digitsAt))) {
          pos = digitsAt
          while (pos < src.length && isDigit(src.charCodeAt(pos))) pos++
        }
      }
      const text = src.slice(start, pos)
      this.pos = pos
      return { kind: "number", text, upper: text, offset: start, end: pos }
    }
    if (c === 39 || c === 34) return this.quoted(start, c)
    const two = src.slice(pos, pos + 2)
    if (TWO_CHAR_PUNCT.has(two)) {
      this.pos = pos + 2
      return { kind: "punct", text: two, upper: two, offset: start, end: pos + 2 }
    }
    const one = src[pos] as string
    if (ONE_CHAR_PUNCT.has(one)) {
      this.pos = pos + 1
      return { kind: "punct", text: one, upper: one, offset: start, end: pos + 1 }
    }
    const shown = c < 32 || c === 127 ? JSON.stringify(one) : `'${one}'`
    const hint =
      one === "`"
        ? " (IoT SQL quotes strings with ' or \")"
        : one === ";"
          ? " (a rule is a single statement, without ';')"
          : ""
    return fail(start, `unexpected character ${shown}${hint}`)
  }

  private quoted(start: number, quote: number): Token {
    const src = this.source
    const q = String.fromCharCode(quote)
    let value = ""
    let pos = start + 1
    for (;;) {
      const close = src.indexOf(q, pos)
      if (close < 0) return fail(start, `unterminated string: missing closing ${q}`)
      value += src.slice(pos, close)
      if (src.charCodeAt(close + 1) === quote) {
        value += q
        pos = close + 2
        continue
      }
      this.pos = close + 1
      return { kind: "string", text: value, upper: value, offset: start, end: close + 1 }
    }
  }
}

/** Every token of a whole statement, ending with the `eof` token. */
export const tokenize = (source: string): Token[] => {
  const lexer = new Lexer(source)
  const tokens: Token[] = []
  for (;;) {
    const token = lexer.next()
    tokens.push(token)
    if (token.kind === "eof") return tokens
  }
}
