/**
 * Recursive-descent parser for AWS IoT SQL statements: `SELECT … FROM '<filter>' [WHERE …]`, the
 * nested `(SELECT … FROM <expression> [AS alias] [WHERE …])`, and the expressions of `${…}`
 * substitution templates (expressions themselves are in expressionParser.ts).
 *
 * `VALUE` is a keyword only right after SELECT and before an expression, so `SELECT value FROM …`
 * still selects a field named `value`. Errors say what was expected and what was found, at the
 * offending token.
 */
import type { Expr, Query, SelectClause, SelectItem, Statement } from "./ast.ts"
import { ExpressionParser } from "./expressionParser.ts"
import { Lexer, type Token, tokenize } from "./lexer.ts"
import { fail } from "./position.ts"

export class Parser extends ExpressionParser {
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

  protected subquery(): Query {
    const select = this.selectClause()
    this.expectWord("FROM", "FROM or ',' after the selected items")
    const source = this.expression()
    const alias = this.optional("AS", () => this.name("a name after AS"))
    const where = this.optional("WHERE", () => this.expression())
    this.expectPunct(")", where || alias ? "')' to close the nested SELECT" : "AS, WHERE or ')'")
    return { select, source, alias, where }
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
