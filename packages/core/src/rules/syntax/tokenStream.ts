/**
 * A cursor over the tokens of a statement, with the checks and error messages every part of the
 * parser shares: what the next token is, consuming it, and failing with "expected X, found Y" at
 * the token's position (plus a hint for `!=`, which IoT SQL spells `<>`).
 */
import type { Token } from "./lexer.ts"
import { fail } from "./position.ts"

const describe = (token: Token): string => {
  switch (token.kind) {
    case "eof":
      // A template's expression ends at its closing brace, which stands in for the end.
      return token.text ? `'${token.text}'` : "the end of the statement"
    case "string":
      return `the string '${token.text.length > 24 ? `${token.text.slice(0, 24)}…` : token.text}'`
    case "number":
      return `the number ${token.text}`
    default:
      return `'${token.text}'`
  }
}

export class TokenStream {
  private index = 0

  constructor(private readonly tokens: ReadonlyArray<Token>) {}

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token
  }

  protected advance(): Token {
    const token = this.peek()
    if (this.index < this.tokens.length - 1) this.index++
    return token
  }

  protected isWord(upper: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.kind === "word" && token.upper === upper
  }

  protected isPunct(text: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.kind === "punct" && token.text === text
  }

  protected expected(what: string): never {
    const token = this.peek()
    const hint = token.kind === "punct" && token.text === "!=" ? " (IoT SQL writes 'not equal' as <>)" : ""
    return fail(token.offset, `expected ${what}, found ${describe(token)}${hint}`)
  }

  protected expectWord(upper: string, what = upper): Token {
    if (!this.isWord(upper)) this.expected(what)
    return this.advance()
  }

  protected expectPunct(text: string, what = `'${text}'`): Token {
    if (!this.isPunct(text)) this.expected(what)
    return this.advance()
  }

  /** `parse()` after the keyword `word` when it comes next; undefined when it does not. */
  protected optional<T>(word: string, parse: () => T): T | undefined {
    if (!this.isWord(word)) return undefined
    this.advance()
    return parse()
  }

  /** Any word, reserved or not: field names after `.`, aliases after AS. */
  protected name(what: string): string {
    if (this.peek().kind !== "word") this.expected(what)
    return this.advance().text
  }

  atEnd(): boolean {
    return this.peek().kind === "eof"
  }

  expectEnd(what: string): void {
    if (!this.atEnd()) this.expected(what)
  }
}
