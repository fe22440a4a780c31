/**
 * The syntax tree of an AWS IoT SQL statement.
 *
 * Nodes are plain readonly data, so a tree can be printed, compared and serialised. Every node
 * carries `at`, the offset of its first character, for compile errors that point into the
 * statement (an unknown function, a construct the SQL version does not have). Parentheses used
 * for grouping leave no node behind: `(a + b) * c` and its printed form parse to the same tree.
 * Numbers keep their text, because `10` and `10.0` differ in SQL version 2015-10-08.
 */

export type BinaryOperator =
  | "OR"
  | "AND"
  | "="
  | "<>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "IN"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"

export type Expr =
  | { readonly kind: "number"; readonly text: string; readonly at: number }
  | { readonly kind: "string"; readonly value: string; readonly at: number }
  | { readonly kind: "boolean"; readonly value: boolean; readonly at: number }
  | { readonly kind: "null"; readonly at: number }
  /** `*` as a value (an argument, as in `encode(*, 'base64')`): the whole payload or element. */
  | { readonly kind: "star"; readonly at: number }
  | { readonly kind: "field"; readonly name: string; readonly at: number }
  | { readonly kind: "member"; readonly object: Expr; readonly name: string; readonly at: number }
  | { readonly kind: "call"; readonly name: string; readonly args: ReadonlyArray<Expr>; readonly at: number }
  | { readonly kind: "cast"; readonly value: Expr; readonly type: string; readonly at: number }
  | { readonly kind: "negate"; readonly operand: Expr; readonly at: number }
  | { readonly kind: "not"; readonly operand: Expr; readonly at: number }
  | {
      readonly kind: "binary"
      readonly op: BinaryOperator
      readonly left: Expr
      readonly right: Expr
      readonly at: number
    }
  | {
      readonly kind: "case"
      readonly subject: Expr
      readonly branches: ReadonlyArray<{ readonly when: Expr; readonly result: Expr }>
      readonly otherwise: Expr | undefined
      readonly at: number
    }
  | {
      readonly kind: "object"
      readonly entries: ReadonlyArray<{ readonly key: string; readonly value: Expr }>
      readonly at: number
    }
  | { readonly kind: "array"; readonly items: ReadonlyArray<Expr>; readonly at: number }
  | { readonly kind: "subquery"; readonly query: Query; readonly at: number }
  | { readonly kind: "exists"; readonly query: Query; readonly at: number }

export type SelectItem =
  | { readonly kind: "star"; readonly at: number }
  /** `alias` is the dotted path after AS (`AS state.reported.t` nests the value). */
  | {
      readonly kind: "expr"
      readonly expr: Expr
      readonly alias: ReadonlyArray<string> | undefined
      readonly at: number
    }

export type SelectClause =
  | { readonly kind: "value"; readonly expr: Expr; readonly at: number }
  | { readonly kind: "items"; readonly items: ReadonlyArray<SelectItem>; readonly at: number }

/** A nested `(SELECT … FROM <expression> [AS alias] [WHERE …])`, over an array or object. */
export interface Query {
  readonly select: SelectClause
  readonly source: Expr
  readonly alias: string | undefined
  readonly where: Expr | undefined
}

/** The top-level `SELECT … FROM '<topic filter>' [WHERE …]`. */
export interface Statement {
  readonly select: SelectClause
  readonly topicFilter: string
  readonly topicFilterAt: number
  readonly where: Expr | undefined
}

/** Words the parser reserves; anything else may name a payload field. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  "SELECT",
  "FROM",
  "WHERE",
  "AS",
  "AND",
  "OR",
  "NOT",
  "IN",
  "CASE",
  "WHEN",
  "THEN",
  "ELSE",
  "END",
  "TRUE",
  "FALSE",
  "NULL",
])
