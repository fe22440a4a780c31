/**
 * Recursive-descent parser for AWS IoT SQL statements and expressions.
 *
 * Precedence, loosest first: OR, AND, NOT, comparisons (= <> < <= > >= IN), + -, * / %,
 * unary minus, then `.field` access on any primary. That is standard SQL precedence; the AWS
 * reference does not spell it out. Binary operators associate to the left. `VALUE` is a keyword
 * only right after SELECT and before an expression, so `SELECT value FROM …` still selects a field
 * named `value`; `EXISTS` is one only before `(SELECT`; `cast(x AS T)` has its own syntax.
 * Errors say what was expected and what was found, at the offending token.
 */
import type { BinaryOperator, Expr, Query, SelectClause, SelectItem, Statement } from "./ast.ts"
import { RESERVED_WORDS } from "./ast.ts"
import { Lexer, type Token, tokenize } from "./lexer.ts"
import { fail } from "./position.ts"

const COMPARISONS: ReadonlySet<string> = new Set(["=", "<>", "<", "<=", ">", ">="])

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

export class Parser {
  private index = 0

  constructor(private readonly tokens: ReadonlyArray<Token>) {}

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token
  }

  private advance(): Token {
    const token = this.peek()
    if (this.index < this.tokens.length - 1) this.index++
    return token
  }

  private isWord(upper: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.kind === "word" && token.upper === upper
  }

  private isPunct(text: string, ahead = 0): boolean {
    const token = this.peek(ahead)
    return token.kind === "punct" && token.text === text
  }

  private expected(what: string): never {
    const token = this.peek()
    const hint = token.kind === "punct" && token.text === "!=" ? " (IoT SQL writes 'not equal' as <>)" : ""
    return fail(token.offset, `expected ${what}, found ${describe(token)}${hint}`)
  }

  private expectWord(upper: string, what = upper): Token {
    if (!this.isWord(upper)) this.expected(what)
    return this.advance()
  }

  private expectPunct(text: string, what = `'${text}'`): Token {
    if (!this.isPunct(text)) this.expected(what)
    return this.advance()
  }

  /** `parse()` after the keyword `word` when it comes next; undefined when it does not. */
  private optional<T>(word: string, parse: () => T): T | undefined {
    if (!this.isWord(word)) return undefined
    this.advance()
    return parse()
  }

  /** Any word, reserved or not: field names after `.`, aliases after AS. */
  private name(what: string): string {
    if (this.peek().kind !== "word") this.expected(what)
    return this.advance().text
  }

  statement(): Statement {
    const select = this.selectClause()
    this.expectWord("FROM", "FROM or ',' after the selected items")
    const filter = this.peek()
    if (filter.kind !== "string") this.expected("a quoted topic filter after FROM, such as 'data/+'")
    this.advance()
    const where = this.optional("WHERE", () => this.expression())
    if (this.peek().kind !== "eof") this.expected(where ? "an operator or the end of the statement" : "WHERE")
    return { select, topicFilter: filter.text, topicFilterAt: filter.offset, where }
  }

  private selectClause(): SelectClause {
    const at = this.expectWord("SELECT").offset
    if (this.isWord("VALUE") && this.startsValueExpression(this.peek(), this.peek(1))) {
      this.advance()
      return { kind: "value", expr: this.expression(), at }
    }
    const items: SelectItem[] = [this.selectItem()]
    while (this.isPunct(",")) {
      this.advance()
      items.push(this.selectItem())
    }
    return { kind: "items", items, at }
  }

  /** After `SELECT VALUE`: does this token begin the selected expression (not end a field named value)? */
  private startsValueExpression(value: Token, token: Token): boolean {
    if (token.kind === "word") return !["FROM", "AS", "AND", "OR", "IN"].includes(token.upper)
    // `value(` with no space between is a call of a function named value.
    if (token.kind === "punct" && token.text === "(") return token.offset > value.end
    // Not "*" or "-": `SELECT value * 2` and `SELECT value - 1` use a field named value.
    if (token.kind === "punct") return ["[", "{"].includes(token.text)
    return token.kind !== "eof"
  }

  private selectItem(): SelectItem {
    const start = this.peek()
    if (this.isPunct("*")) {
      this.advance()
      return { kind: "star", at: start.offset }
    }
    if (start.kind === "word" && (start.upper === "FROM" || start.upper === "WHERE")) {
      this.expected("an expression or '*' to select")
    }
    const expr = this.expression()
    let alias: string[] | undefined
    if (this.isWord("AS")) {
      this.advance()
      alias = [this.name("a name after AS")]
      while (this.isPunct(".")) {
        this.advance()
        alias.push(this.name("a name after '.'"))
      }
    }
    return { kind: "expr", expr, alias, at: start.offset }
  }

  private subquery(): Query {
    const select = this.selectClause()
    this.expectWord("FROM", "FROM or ',' after the selected items")
    const source = this.expression()
    const alias = this.optional("AS", () => this.name("a name after AS"))
    const where = this.optional("WHERE", () => this.expression())
    this.expectPunct(")", where || alias ? "')' to close the nested SELECT" : "AS, WHERE or ')'")
    return { select, source, alias, where }
  }

  expression(): Expr {
    return this.or()
  }

  private or(): Expr {
    let left = this.and()
    while (this.isWord("OR")) {
      const at = this.advance().offset
      left = { kind: "binary", op: "OR", left, right: this.and(), at }
    }
    return left
  }

  private and(): Expr {
    let left = this.not()
    while (this.isWord("AND")) {
      const at = this.advance().offset
      left = { kind: "binary", op: "AND", left, right: this.not(), at }
    }
    return left
  }

  private not(): Expr {
    if (this.isWord("NOT")) {
      const at = this.advance().offset
      return { kind: "not", operand: this.not(), at }
    }
    return this.comparison()
  }

  private comparison(): Expr {
    let left = this.additive()
    for (;;) {
      const token = this.peek()
      let op: BinaryOperator
      if (token.kind === "punct" && COMPARISONS.has(token.text)) op = token.text as BinaryOperator
      else if (token.kind === "word" && token.upper === "IN") op = "IN"
      else return left
      this.advance()
      left = { kind: "binary", op, left, right: this.additive(), at: token.offset }
    }
  }

  private additive(): Expr {
    let left = this.multiplicative()
    while (this.isPunct("+") || this.isPunct("-")) {
      const token = this.advance()
      left = {
        kind: "binary",
        op: token.text as BinaryOperator,
        left,
        right: this.multiplicative(),
        at: token.offset,
      }
    }
    return left
  }

  private multiplicative(): Expr {
    let left = this.unary()
    while (this.isPunct("*") || this.isPunct("/") || this.isPunct("%")) {
      const token = this.advance()
      left = { kind: "binary", op: token.text as BinaryOperator, left, right: this.unary(), at: token.offset }
    }
    return left
  }

  private unary(): Expr {
    if (this.isPunct("-")) {
      const at = this.advance().offset
      return { kind: "negate", operand: this.unary(), at }
    }
    let expr = this.primary()
    while (this.isPunct(".")) {
      this.advance()
      const token = this.peek()
      expr = { kind: "member", object: expr, name: this.name("a field name after '.'"), at: token.offset }
    }
    return expr
  }

  private primary(): Expr {
    const token = this.peek()
    switch (token.kind) {
      case "number":
        this.advance()
        return { kind: "number", text: token.text, at: token.offset }
      case "string":
        this.advance()
        return { kind: "string", value: token.text, at: token.offset }
      case "word":
        return this.word(token)
      case "punct":
        return this.punct(token)
      default:
        return this.expected("an expression")
    }
  }

  private word(token: Token): Expr {
    const at = token.offset
    switch (token.upper) {
      case "TRUE":
      case "FALSE":
        this.advance()
        return { kind: "boolean", value: token.upper === "TRUE", at }
      case "NULL":
        this.advance()
        return { kind: "null", at }
      case "CASE":
        return this.caseExpression()
      case "EXISTS":
        if (this.isPunct("(", 1) && this.isWord("SELECT", 2)) {
          this.advance()
          this.advance()
          return { kind: "exists", query: this.subquery(), at }
        }
        break
      case "CAST":
        if (this.isPunct("(", 1)) return this.cast()
        break
    }
    if (RESERVED_WORDS.has(token.upper)) this.expected("an expression")
    this.advance()
    if (!this.isPunct("(")) return { kind: "field", name: token.text, at }
    this.advance()
    const args: Expr[] = []
    if (!this.isPunct(")")) {
      args.push(this.argument())
      while (this.isPunct(",")) {
        this.advance()
        args.push(this.argument())
      }
    }
    this.expectPunct(")", args.length ? "',' or ')'" : "an argument or ')'")
    return { kind: "call", name: token.text, args, at }
  }

  private argument(): Expr {
    if (this.isPunct("*")) return { kind: "star", at: this.advance().offset }
    return this.expression()
  }

  private cast(): Expr {
    const at = this.advance().offset
    this.advance()
    const value = this.expression()
    this.expectWord("AS", "AS and a type in cast(value AS type)")
    const type = this.name("a type name after AS, such as Int or String")
    this.expectPunct(")")
    return { kind: "cast", value, type, at }
  }

  private caseExpression(): Expr {
    const at = this.advance().offset
    if (this.isWord("WHEN")) this.expected("the value to compare after CASE (CASE v WHEN … THEN … END)")
    const subject = this.expression()
    const branches: Array<{ when: Expr; result: Expr }> = []
    while (this.isWord("WHEN")) {
      this.advance()
      const when = this.expression()
      this.expectWord("THEN")
      branches.push({ when, result: this.expression() })
    }
    if (branches.length === 0) this.expected("WHEN (a CASE needs at least one WHEN)")
    const otherwise = this.optional("ELSE", () => this.expression())
    this.expectWord("END", otherwise ? "END" : "WHEN, ELSE or END")
    return { kind: "case", subject, branches, otherwise, at }
  }

  private punct(token: Token): Expr {
    const at = token.offset
    switch (token.text) {
      case "(": {
        this.advance()
        if (this.isWord("SELECT")) return { kind: "subquery", query: this.subquery(), at }
        const inner = this.expression()
        this.expectPunct(")", "')' or an operator")
        return inner
      }
      case "[": {
        this.advance()
        const items: Expr[] = []
        if (!this.isPunct("]")) {
          items.push(this.expression())
          while (this.isPunct(",")) {
            this.advance()
            items.push(this.expression())
          }
        }
        this.expectPunct("]", "',' or ']'")
        return { kind: "array", items, at }
      }
      case "{": {
        this.advance()
        const entries: Array<{ key: string; value: Expr }> = []
        if (!this.isPunct("}")) {
          do {
            if (entries.length) this.advance()
            const key = this.peek()
            if (key.kind !== "string") this.expected("a quoted key in the object literal")
            this.advance()
            this.expectPunct(":")
            entries.push({ key: key.text, value: this.expression() })
          } while (this.isPunct(","))
        }
        this.expectPunct("}", "',' or '}'")
        return { kind: "object", entries, at }
      }
      default:
        return this.expected("an expression")
    }
  }

  atEnd(): boolean {
    return this.peek().kind === "eof"
  }

  expectEnd(what: string): void {
    if (!this.atEnd()) this.expected(what)
  }
}

/** Parses a whole statement; throws `SqlErrorSignal` (callers use `parseStatement` in parse.ts). */
export const parseStatementOrThrow = (source: string): Statement => new Parser(tokenize(source)).statement()

/**
 * Parses the expression of a substitution template starting at `start` (just after `${`), up to
 * the `}` that closes it. Returns the expression and the offset of that `}`.
 */
export const parseTemplateExpressionOrThrow = (
  source: string,
  start: number,
): { expr: Expr; close: number } => {
  const lexer = new Lexer(source, start)
  const tokens: Token[] = []
  let depth = 0
  for (;;) {
    const token = lexer.next()
    if (token.kind === "eof") {
      return fail(start - 2, "unterminated substitution template: missing '}' after '${'")
    }
    if (token.kind === "punct" && token.text === "{") depth++
    if (token.kind === "punct" && token.text === "}") {
      if (depth === 0) {
        tokens.push({ kind: "eof", text: "}", upper: "}", offset: token.offset, end: token.offset })
        const parser = new Parser(tokens)
        if (parser.atEnd())
          return fail(token.offset, "expected an expression between the braces of the template")
        const expr = parser.expression()
        parser.expectEnd("an operator or '}'")
        return { expr, close: token.offset }
      }
      depth--
    }
    tokens.push(token)
  }
}
