/**
 * Regular expressions: regexp_matches, regexp_replace, regexp_substr.
 *
 * IoT Core uses Java regular expressions; these run on JavaScript's, which agree on the common
 * syntax. Java's leading inline flags (`(?i)`, `(?s)`, `(?m)`, combined like `(?is)`) become
 * JavaScript flags; a pattern JavaScript rejects (possessive quantifiers, `\Q…\E`) gives
 * Undefined, as an invalid pattern does on IoT Core. Replacement strings use Java's syntax —
 * `$1`, `${name}`, `\$` for a dollar — and are translated. A literal pattern is compiled once
 * with the statement; computed patterns go through a small cache. `regexp_substr` without a
 * match is Undefined (the reference does not say; Undefined is its answer for "no value").
 */
import type { Evaluator } from "../compile/evaluator.ts"
import { toStringValue } from "../values/conversions.ts"
import type { SqlValue } from "../values/sqlValue.ts"
import { define, type FunctionDefinition, type FunctionSite, V1 } from "./definition.ts"

const INLINE_FLAGS = /^\(\?([ism]+)\)/
const CACHE_LIMIT = 256
const cache = new Map<string, RegExp | null>()

/** A JavaScript RegExp for a Java pattern, or undefined when it is not valid here. */
export const javaRegex = (pattern: string, global: boolean): RegExp | undefined => {
  const key = `${global ? "g" : "-"}${pattern}`
  const cached = cache.get(key)
  if (cached !== undefined) return cached ?? undefined
  let source = pattern
  let flags = global ? "g" : ""
  const inline = INLINE_FLAGS.exec(source)
  if (inline) {
    source = source.slice(inline[0].length)
    flags += [...new Set(inline[1])].join("")
  }
  let regex: RegExp | null
  try {
    regex = new RegExp(source, flags)
  } catch {
    regex = null
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(key, regex)
  return regex ?? undefined
}

/** Java replacement syntax (`$1`, `${name}`, `\x`) as a JavaScript replacement string. */
export const javaReplacement = (replacement: string): string | undefined => {
  let out = ""
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]
    if (c === "\\") {
      if (i + 1 >= replacement.length) return undefined
      const next = replacement[++i] as string
      out += next === "$" ? "$$" : next
    } else if (c === "$") {
      const rest = replacement.slice(i + 1)
      const group = /^(\d+|\{[A-Za-z][A-Za-z0-9]*\})/.exec(rest)
      if (!group) return undefined
      const ref = group[1] as string
      out += ref.startsWith("{") ? `$<${ref.slice(1, -1)}>` : `$${ref}`
      i += ref.length
    } else {
      out += c
    }
  }
  return out
}

/** Evaluates the subject and pattern, precompiling a literal pattern. */
const withRegex = (
  site: FunctionSite,
  global: boolean,
  body: (subject: string, regex: RegExp, rest: ReadonlyArray<SqlValue>) => SqlValue,
): Evaluator | undefined => {
  const [subjectOf, patternOf, ...restOf] = site.compiled
  const literal = site.args[1]
  if (subjectOf === undefined || patternOf === undefined || literal?.kind !== "string") return undefined
  const fixed = javaRegex(literal.value, global)
  return (env) => {
    const subject = toStringValue(subjectOf(env))
    if (subject === undefined || fixed === undefined) return undefined
    return body(
      subject,
      fixed,
      restOf.map((f) => f(env)),
    )
  }
}

const regexCall =
  (global: boolean, body: (subject: string, regex: RegExp, rest: ReadonlyArray<SqlValue>) => SqlValue) =>
  ([subjectValue, patternValue, ...rest]: ReadonlyArray<SqlValue>): SqlValue => {
    const subject = toStringValue(subjectValue)
    const pattern = toStringValue(patternValue)
    if (subject === undefined || pattern === undefined) return undefined
    const regex = javaRegex(pattern, global)
    return regex === undefined ? undefined : body(subject, regex, rest)
  }

const matches = (subject: string, regex: RegExp): SqlValue => {
  regex.lastIndex = 0
  return regex.test(subject)
}

const substr = (subject: string, regex: RegExp): SqlValue => {
  regex.lastIndex = 0
  return regex.exec(subject)?.[0]
}

const replaceAll = (
  subject: string,
  regex: RegExp,
  [replacementValue]: ReadonlyArray<SqlValue>,
): SqlValue => {
  const replacement = toStringValue(replacementValue)
  const translated = replacement === undefined ? undefined : javaReplacement(replacement)
  if (translated === undefined) return undefined
  regex.lastIndex = 0
  return subject.replace(regex, translated)
}

export const regexFunctions: Readonly<Record<string, FunctionDefinition>> = {
  regexp_matches: define(V1, 2, 2, regexCall(false, matches), (site) => withRegex(site, false, matches)),
  regexp_substr: define(V1, 2, 2, regexCall(false, substr), (site) => withRegex(site, false, substr)),
  regexp_replace: define(V1, 3, 3, regexCall(true, replaceAll), (site) => withRegex(site, true, replaceAll)),
}
