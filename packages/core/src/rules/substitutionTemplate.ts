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
import { type CompileScope, type Env, type Evaluator, messageEnv } from "./compile/evaluator.ts"
import { type EvaluationContext, PreparedMessage, type RuleMessage } from "./compile/message.ts"
import { templateConcatenation } from "./compile/namedAccess.ts"
import { catchingSqlErrors } from "./syntax/parse.ts"
import { parseTemplateExpressionOrThrow } from "./syntax/parser.ts"
import type { SqlError } from "./syntax/position.ts"
import { toStringValue } from "./values/conversions.ts"
import { DEFAULT_SQL_VERSION, numericsFor, type SqlVersion } from "./values/sqlValue.ts"

type Part = string | Evaluator

export class SubstitutionTemplate {
  /** The text, when the template has no `${…}` at all. */
  private readonly constantText: string | undefined
  /**
   * Renders in a message environment of this template's SQL version (routing shares one per
   * message). Never throws. A property, not a method, so callers can hold it directly.
   */
  readonly renderIn: (env: Env) => string

  constructor(
    readonly source: string,
    readonly sqlVersion: SqlVersion,
    parts: ReadonlyArray<Part>,
  ) {
    const constantText = parts.every((part) => typeof part === "string") ? parts.join("") : undefined
    this.constantText = constantText
    this.renderIn = renderer(parts, constantText)
  }

  /** Whether the template has no `${…}` at all (its text is its value). */
  get isConstant(): boolean {
    return this.constantText !== undefined
  }

  /** The text with every expression replaced by its value for this message. Never throws. */
  render(message: RuleMessage, context: EvaluationContext): string {
    if (this.constantText !== undefined) return this.constantText
    return this.renderIn(messageEnv(PreparedMessage.from(message), context, this.sqlVersion))
  }
}

/** A value as template text: its String conversion, nothing for Undefined and Null. */
const text = (value: unknown): string => (typeof value === "string" ? value : (toStringValue(value) ?? ""))

/** The fastest way to render these parts: constant text, one expression, or a concatenation. */
const renderer = (parts: ReadonlyArray<Part>, constantText: string | undefined): ((env: Env) => string) => {
  if (constantText !== undefined) return () => constantText
  const [only] = parts
  // A stack overflow on a pathological payload renders the template empty, never throws.
  if (parts.length === 1 && typeof only === "function") {
    return (env) => {
      try {
        return text(only(env))
      } catch {
        return ""
      }
    }
  }
  const concatenated = templateConcatenation(parts, text)
  if (concatenated !== undefined) {
    return (env) => {
      try {
        return concatenated(env)
      } catch {
        return ""
      }
    }
  }
  return (env) => {
    try {
      let rendered = ""
      for (const part of parts) rendered += typeof part === "string" ? part : text(part(env))
      return rendered
    } catch {
      return ""
    }
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
