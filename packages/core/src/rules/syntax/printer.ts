/**
 * Prints a syntax tree back to AWS IoT SQL.
 *
 * The output uses as few parentheses as precedence allows, single-quoted strings (quotes
 * doubled), upper-case keywords and the original number text, and it parses back to the same
 * tree (a property test holds the printer to that). Useful for error messages, for normalising
 * rules, and for generating statements in tests.
 */
import type { Expr, Query, SelectClause, SelectItem, Statement } from "./ast.ts"

const PRECEDENCE: Record<string, number> = {
  OR: 1,
  AND: 2,
  "=": 4,
  "<>": 4,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  IN: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
}

const precedenceOf = (expr: Expr): number => {
  switch (expr.kind) {
    case "binary":
      return PRECEDENCE[expr.op] ?? 0
    case "not":
      return 3
    case "negate":
      return 7
    default:
      return 8
  }
}

const wrap = (expr: Expr, minimum: number): string =>
  precedenceOf(expr) < minimum ? `(${printExpr(expr)})` : printExpr(expr)

export const quoteString = (value: string): string => `'${value.replaceAll("'", "''")}'`

export const printExpr = (expr: Expr): string => {
  switch (expr.kind) {
    case "number":
      return expr.text
    case "string":
      return quoteString(expr.value)
    case "boolean":
      return expr.value ? "TRUE" : "FALSE"
    case "null":
      return "NULL"
    case "star":
      return "*"
    case "field":
      return expr.name
    case "member":
      return `${wrap(expr.object, 8)}.${expr.name}`
    case "call":
      return `${expr.name}(${expr.args.map(printExpr).join(", ")})`
    case "cast":
      return `cast(${printExpr(expr.value)} AS ${expr.type})`
    case "negate":
      return `-${wrap(expr.operand, 7)}`
    case "not":
      return `NOT ${wrap(expr.operand, 3)}`
    case "binary": {
      const precedence = PRECEDENCE[expr.op] ?? 0
      return `${wrap(expr.left, precedence)} ${expr.op} ${wrap(expr.right, precedence + 1)}`
    }
    case "case": {
      const branches = expr.branches
        .map((b) => ` WHEN ${printExpr(b.when)} THEN ${printExpr(b.result)}`)
        .join("")
      const otherwise = expr.otherwise ? ` ELSE ${printExpr(expr.otherwise)}` : ""
      return `CASE ${printExpr(expr.subject)}${branches}${otherwise} END`
    }
    case "object":
      return `{${expr.entries.map((e) => `${quoteString(e.key)}: ${printExpr(e.value)}`).join(", ")}}`
    case "array":
      return `[${expr.items.map(printExpr).join(", ")}]`
    case "subquery":
      return `(${printQuery(expr.query)})`
    case "exists":
      return `EXISTS (${printQuery(expr.query)})`
  }
}

const printItem = (item: SelectItem): string =>
  item.kind === "star"
    ? "*"
    : item.alias
      ? `${printExpr(item.expr)} AS ${item.alias.join(".")}`
      : printExpr(item.expr)

const printSelect = (select: SelectClause): string => {
  if (select.kind === "items") return `SELECT ${select.items.map(printItem).join(", ")}`
  // `SELECT VALUE -x` would read as the field `value` minus x: parenthesise what could.
  const text = printExpr(select.expr)
  return `SELECT VALUE ${text.startsWith("-") ? `(${text})` : text}`
}

const printQuery = (query: Query): string => {
  const alias = query.alias === undefined ? "" : ` AS ${query.alias}`
  const where = query.where ? ` WHERE ${printExpr(query.where)}` : ""
  return `${printSelect(query.select)} FROM ${printExpr(query.source)}${alias}${where}`
}

export const printStatement = (statement: Statement): string => {
  const where = statement.where ? ` WHERE ${printExpr(statement.where)}` : ""
  return `${printSelect(statement.select)} FROM ${quoteString(statement.topicFilter)}${where}`
}
