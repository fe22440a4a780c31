/**
 * `${expression}` substitution templates, as rule actions use them in their fields.
 *
 * A template is text with embedded IoT SQL expressions: `${topic(2)}`, `telemetry-${parse_time(
 * "yyyy-MM-dd", timestamp())}`. The expressions are compiled once (with the rule's SQL version)
 * and evaluated against the message as published — never the SELECT output, so they cannot see
 * aliases made with AS — with the same functions and context as the rule. A value is inserted
 * as its String conversion (Arrays and Objects as JSON); Undefined and Null insert nothing.
 * `$$` is a literal `$` (IoT's escape, e.g. to republish to `$$aws/things/…`). An expression ends
 * at the first `}` outside brackets and quotes, so object literals and strings with braces work.
 */
import { compileExpr } from "./compile/compileExpression.ts"
import type { CompileScope, Env, Evaluator } from "./compile/evaluator.ts"
import { type EvaluationContext, PreparedMessage, type RuleMessage } from "./compile/message.ts"
import { catchingSqlErrors } from "./syntax/parse.ts"
import { parseTemplateExpressionOrThrow } from "./syntax/parser.ts"
import type { SqlError } from "./syntax/position.ts"
import { toStringValue } from "./values/conversions.ts"
import { DEFAULT_SQL_VERSION, numericsFor, type SqlVersion } from "./values/sqlValue.ts"

type Part = string | Evaluator

export class SubstitutionTemplate {
  constructor(
    readonly source: string,
    readonly sqlVersion: SqlVersion,
    private readonly parts: ReadonlyArray<Part>,
  ) {}

  /** Whether the template has no `${…}` at all (its text is its value). */
  get isConstant(): boolean {
    return this.parts.every((part) => typeof part === "string")
  }

  /** The text with every expression replaced by its value for this message. Never throws. */
  render(message: RuleMessage, context: EvaluationContext): string {
    if (this.isConstant) return this.parts.join("")
    const prepared = PreparedMessage.from(message)
    const version = this.sqlVersion
    const env: Env = { scope: prepared.jsonFor(version), message: prepared, context, version }
    let text = ""
    for (const part of this.parts) {
      if (typeof part === "string") {
        text += part
        continue
      }
      try {
        text += toStringValue(part(env)) ?? ""
      } catch {
        // A stack overflow on a pathological payload: the expression inserts nothing.
      }
    }
    return text
  }
}

export type CompileTemplateResult =
  | { readonly ok: true; readonly template: SubstitutionTemplate }
  | { readonly ok: false; readonly error: SqlError }

export const compileTemplate = (
  source: string,
  options: { readonly sqlVersion?: SqlVersion } = {},
): CompileTemplateResult => {
  const version = options.sqlVersion ?? DEFAULT_SQL_VERSION
  const scope: CompileScope = { version, num: numericsFor(version), nested: false, alias: undefined }
  const result = catchingSqlErrors(source, () => {
    const parts: Part[] = []
    let literal = ""
    let i = 0
    while (i < source.length) {
      const dollar = source.indexOf("$", i)
      if (dollar < 0) break
      literal += source.slice(i, dollar)
      if (source[dollar + 1] === "$") {
        literal += "$"
        i = dollar + 2
      } else if (source[dollar + 1] === "{") {
        const { expr, close } = parseTemplateExpressionOrThrow(source, dollar + 2)
        if (literal) parts.push(literal)
        literal = ""
        parts.push(compileExpr(expr, scope))
        i = close + 1
      } else {
        literal += "$"
        i = dollar + 1
      }
    }
    literal += source.slice(i)
    if (literal) parts.push(literal)
    return parts
  })
  return result.ok ? { ok: true, template: new SubstitutionTemplate(source, version, result.value) } : result
}
