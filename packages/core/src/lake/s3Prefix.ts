/**
 * Firehose's S3 prefix expressions: `!{namespace:value}` inside a prefix, evaluated per object.
 *
 * Supported, as Firehose documents them ("Custom prefixes for Amazon S3 objects"):
 * - `!{timestamp:FORMAT}`: a Java DateTimeFormatter pattern over the approximate arrival time of
 *   the oldest record in the object, in UTC. We support the letters a time prefix needs — `y`/`u`
 *   (year), `M`, `d`, `H`, `m`, `s`, `S` (fraction) — plus `'quoted'` literals and punctuation;
 *   any other letter is a configuration error, reported when the prefix is parsed.
 * - `!{partitionKeyFromLambda:NAME}`: the value the transform returned in
 *   `metadata.partitionKeys.NAME` (data prefix only).
 * - `!{firehose:error-output-type}` (error prefix only) and `!{firehose:random-string}` (11
 *   characters; the caller supplies the randomness so tests can seed it).
 * `partitionKeyFromQuery` (jq partitioning) is not supported: partitioning here comes from the
 * transform. Every instance of `timestamp` in one prefix evaluates to the same instant.
 *
 * A substituted partition key must be non-empty and hold no `/`, `\` or control character, and
 * the evaluated key must pass the lake's key rule (objectKey.ts): a value like `..` or `a/../b`
 * from a custom transform can never move an object out of its folder — such a record is sent to
 * the error output instead.
 */
import { Result } from "effect"
import { objectPrefixProblem } from "./objectKey.ts"

type TimeField = "year" | "year2" | "month" | "day" | "hour" | "minute" | "second" | "fraction"

export type TimeToken = { readonly literal: string } | { readonly field: TimeField; readonly width: number }

export type PrefixPart =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "timestamp"; readonly tokens: ReadonlyArray<TimeToken> }
  | { readonly kind: "partitionKey"; readonly name: string }
  | { readonly kind: "errorOutputType" }
  | { readonly kind: "randomString" }

export interface PrefixTemplate {
  readonly source: string
  readonly parts: ReadonlyArray<PrefixPart>
  /** Names of the partition keys the prefix uses, in order of first use. */
  readonly partitionKeys: ReadonlyArray<string>
}

export interface PrefixValues {
  /** Epoch milliseconds; UTC fields of it fill `!{timestamp:…}`. */
  readonly timestampMs: number
  readonly partitionKeys?: Readonly<Record<string, string>>
  readonly errorOutputType?: string
  /** Produces `!{firehose:random-string}` (11 characters). */
  readonly randomString?: () => string
}

/** Length of `!{firehose:random-string}`. Source: Firehose developer guide, custom prefixes. */
export const RANDOM_STRING_LENGTH = 11

const LETTERS: Readonly<Record<string, TimeField>> = {
  y: "year",
  u: "year",
  M: "month",
  d: "day",
  H: "hour",
  m: "minute",
  s: "second",
  S: "fraction",
}

const parseTimeFormat = (format: string): Result.Result<ReadonlyArray<TimeToken>, string> => {
  const tokens: TimeToken[] = []
  let i = 0
  while (i < format.length) {
    const ch = format[i] as string
    if (ch === "'") {
      const end = format.indexOf("'", i + 1)
      if (end === -1) return Result.fail(`unclosed quote in timestamp format ${JSON.stringify(format)}`)
      // '' inside or alone is a literal quote, as in Java.
      tokens.push({ literal: end === i + 1 ? "'" : format.slice(i + 1, end) })
      i = end + 1
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i
      while (format[j] === ch) j++
      const field = LETTERS[ch]
      if (field === undefined) {
        return Result.fail(`timestamp format letter '${ch}' is not supported (use y M d H m s S)`)
      }
      const width = j - i
      tokens.push({ field: field === "year" && width === 2 ? "year2" : field, width })
      i = j
    } else {
      tokens.push({ literal: ch })
      i++
    }
  }
  return Result.succeed(tokens)
}

/** Parses a prefix. `forErrors` selects the error-output prefix's rules. */
export const parsePrefix = (
  source: string,
  options: { readonly forErrors: boolean },
): Result.Result<PrefixTemplate, string> => {
  const parts: PrefixPart[] = []
  const partitionKeys: string[] = []
  const fail = (reason: string) => Result.fail(`prefix ${JSON.stringify(source)}: ${reason}`)
  let i = 0
  while (i < source.length) {
    const start = source.indexOf("!{", i)
    if (start === -1) {
      parts.push({ kind: "literal", text: source.slice(i) })
      break
    }
    if (start > i) parts.push({ kind: "literal", text: source.slice(i, start) })
    const end = source.indexOf("}", start)
    if (end === -1) return fail("an expression '!{' is not closed")
    const body = source.slice(start + 2, end)
    const colon = body.indexOf(":")
    const namespace = colon === -1 ? body : body.slice(0, colon)
    const value = colon === -1 ? "" : body.slice(colon + 1)
    if (namespace === "timestamp") {
      const tokens = parseTimeFormat(value)
      if (Result.isFailure(tokens)) return fail(tokens.failure)
      if (value === "") return fail("!{timestamp:} needs a format")
      parts.push({ kind: "timestamp", tokens: tokens.success })
    } else if (namespace === "partitionKeyFromLambda") {
      if (options.forErrors) return fail("the error output prefix cannot use partitionKeyFromLambda")
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) return fail(`partition key name ${JSON.stringify(value)}`)
      parts.push({ kind: "partitionKey", name: value })
      if (!partitionKeys.includes(value)) partitionKeys.push(value)
    } else if (namespace === "firehose" && value === "error-output-type") {
      if (!options.forErrors)
        return fail("only the error output prefix can use !{firehose:error-output-type}")
      parts.push({ kind: "errorOutputType" })
    } else if (namespace === "firehose" && value === "random-string") {
      parts.push({ kind: "randomString" })
    } else if (namespace === "partitionKeyFromQuery") {
      return fail("partitionKeyFromQuery (jq partitioning) is not supported; use partitionKeyFromLambda")
    } else {
      return fail(`unknown expression !{${body}}`)
    }
    i = end + 1
  }
  const literal = parts.map((part) => (part.kind === "literal" ? part.text : "x")).join("")
  const problem = objectPrefixProblem(literal)
  if (problem !== undefined) return fail(`it ${problem}`)
  return Result.succeed({ source, parts, partitionKeys })
}

const pad = (n: number, width: number) => String(n).padStart(width, "0")

const formatTime = (tokens: ReadonlyArray<TimeToken>, ms: number): string => {
  const date = new Date(ms)
  let out = ""
  for (const token of tokens) {
    if ("literal" in token) {
      out += token.literal
      continue
    }
    const { field, width } = token
    if (field === "year") out += pad(date.getUTCFullYear(), width)
    else if (field === "year2") out += pad(date.getUTCFullYear() % 100, 2)
    else if (field === "month") out += pad(date.getUTCMonth() + 1, width)
    else if (field === "day") out += pad(date.getUTCDate(), width)
    else if (field === "hour") out += pad(date.getUTCHours(), width)
    else if (field === "minute") out += pad(date.getUTCMinutes(), width)
    else if (field === "second") out += pad(date.getUTCSeconds(), width)
    else out += pad(date.getUTCMilliseconds(), 3).padEnd(width, "0").slice(0, width)
  }
  return out
}

const UNSAFE_VALUE = /[/\\\u0000-\u001f\u007f]/

/** Why a partition key value cannot go into a key, or undefined. */
export const partitionValueProblem = (name: string, value: unknown): string | undefined => {
  if (typeof value !== "string") return `partition key '${name}' is missing`
  if (value === "") return `partition key '${name}' is empty`
  if (UNSAFE_VALUE.test(value)) return `partition key '${name}' holds '/', '\\' or a control character`
  return undefined
}

/**
 * Evaluates a prefix. Fails (with a reason) when a partition key it uses is missing or unsafe;
 * the caller checks the finished key with `objectKeyProblem`.
 */
export const evaluatePrefix = (
  template: PrefixTemplate,
  values: PrefixValues,
): Result.Result<string, string> => {
  let out = ""
  for (const part of template.parts) {
    switch (part.kind) {
      case "literal":
        out += part.text
        break
      case "timestamp":
        out += formatTime(part.tokens, values.timestampMs)
        break
      case "partitionKey": {
        const value = values.partitionKeys?.[part.name]
        const problem = partitionValueProblem(part.name, value)
        if (problem !== undefined) return Result.fail(problem)
        out += value as string
        break
      }
      case "errorOutputType":
        out += values.errorOutputType ?? "processing-failed"
        break
      case "randomString":
        out += values.randomString?.() ?? "0".repeat(RANDOM_STRING_LENGTH)
        break
    }
  }
  return Result.succeed(out)
}

/** The partition key values a prefix uses, as one string: records with equal strings share a buffer. */
export const partitionIdentity = (
  template: PrefixTemplate,
  partitionKeys: Readonly<Record<string, string>> | undefined,
): string => {
  // Runs per record: a join, not JSON. NUL cannot occur in a valid value (partitionValueProblem).
  let identity = ""
  for (const name of template.partitionKeys) identity += `${partitionKeys?.[name] ?? "\u0001"}\u0000`
  return identity
}
