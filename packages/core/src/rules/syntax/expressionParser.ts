/**
 * The expression grammar of AWS IoT SQL.
 *
 * Precedence, loosest first: OR, AND, NOT, comparisons (= <> < <= > >= IN), + -, * / %,
 * unary minus, then `.field` access on any primary. That is standard SQL precedence; the AWS
 * reference does not spell it out. Binary operators associate to the left. `EXISTS` is a keyword
 * only before `(SELECT`; `cast(x AS T)` has its own syntax. A nested `(SELECT …)` is parsed by
 * the statement parser, which extends this class.
 */
import type { BinaryOperator, Expr, Query } from "./ast.ts"
import { RESERVED_WORDS } from "./ast.ts"
import type { Token } from "./lexer.ts"
import { TokenStream } from "./tokenStream.ts"

const COMPARISONS: ReadonlySet<string> = new Set(["=", "<>", "<", "<=", ">", ">="])

export abstract class ExpressionParser extends TokenStream {
  /** `SELECT … FROM … [AS …] [WHERE …])`, after the opening parenthesis. */
  protected abstract subquery(): Query

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
}
