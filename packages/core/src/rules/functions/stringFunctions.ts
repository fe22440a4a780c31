/**
 * String functions: upper, lower, length, numbytes, trim, ltrim, rtrim, lpad, rpad, substring,
 * replace, startswith, endswith, indexof, chr.
 *
 * Arguments go through the standard conversion to String (Arrays and Objects become JSON,
 * Null and Undefined make the result Undefined). Lengths and indices count UTF-16 code units,
 * like Java's `String`, which IoT Core runs on. Trimming removes every character up to U+0020
 * from the ends, as Java's `trim()` does. `lpad`/`rpad` add that many spaces (not "pad to that
 * width"), clamped to 0–1000. `substring` clamps its indices into the string and gives "" when
 * they cross, as the reference's examples show.
 */

import { utf8Length } from "../../telemetry/json.ts"
import { toDecimalNumber, toIntNumber, toStringValue } from "../values/conversions.ts"
import type { SqlValue } from "../values/sqlValue.ts"
import { define, type FunctionDefinition, V1, V2 } from "./definition.ts"

const MAX_PAD = 1000

const isBlank = (c: number) => c <= 32

const trimStart = (s: string): string => {
  let i = 0
  while (i < s.length && isBlank(s.charCodeAt(i))) i++
  return s.slice(i)
}

const trimEnd = (s: string): string => {
  let end = s.length
  while (end > 0 && isBlank(s.charCodeAt(end - 1))) end--
  return s.slice(0, end)
}

/** A one-argument function of the argument's String conversion. */
const ofString = (since: typeof V1, f: (s: string) => SqlValue): FunctionDefinition =>
  define(since, 1, 1, ([a]) => {
    const s = toStringValue(a)
    return s === undefined ? undefined : f(s)
  })

/** A two-argument function of both arguments' String conversions. */
const ofStrings = (since: typeof V1, f: (a: string, b: string) => SqlValue): FunctionDefinition =>
  define(since, 2, 2, ([a, b]) => {
    const x = toStringValue(a)
    const y = x === undefined ? undefined : toStringValue(b)
    return y === undefined ? undefined : f(x as string, y)
  })

const pad = (side: "left" | "right"): FunctionDefinition =>
  define(V1, 2, 2, ([a, b]) => {
    const s = toStringValue(a)
    const width = typeof b === "boolean" ? undefined : toDecimalNumber(b)
    if (s === undefined || width === undefined) return undefined
    const spaces = " ".repeat(Math.min(MAX_PAD, Math.max(0, Math.floor(width))))
    return side === "left" ? spaces + s : s + spaces
  })

export const stringFunctions: Readonly<Record<string, FunctionDefinition>> = {
  upper: ofString(V1, (s) => s.toUpperCase()),
  lower: ofString(V1, (s) => s.toLowerCase()),
  length: ofString(V2, (s) => s.length),
  numbytes: ofString(V2, utf8Length),
  trim: ofString(V1, (s) => trimEnd(trimStart(s))),
  ltrim: ofString(V1, trimStart),
  rtrim: ofString(V1, trimEnd),
  lpad: pad("left"),
  rpad: pad("right"),
  substring: define(
    V1,
    2,
    3,
    (args) => {
      const [a, b, c] = args
      const s = toStringValue(a)
      const from = toIntNumber(b)
      if (s === undefined || from === undefined) return undefined
      const start = Math.min(s.length, Math.max(0, from))
      if (args.length === 2) return s.slice(start)
      const to = toIntNumber(c)
      if (to === undefined) return undefined
      const end = Math.min(s.length, Math.max(0, to))
      return start >= end ? "" : s.slice(start, end)
    },
    // Literal indices, as in `substring(TIMESTAMP, 0, 10)`: converted once, not per message.
    (site) => {
      const [, fromArg, toArg] = site.args
      const subject = site.compiled[0]
      const from = fromArg?.kind === "number" ? Math.trunc(Number(fromArg.text)) : Number.NaN
      const to =
        toArg === undefined
          ? Number.POSITIVE_INFINITY
          : toArg.kind === "number"
            ? Math.trunc(Number(toArg.text))
            : Number.NaN
      if (
        subject === undefined ||
        !Number.isFinite(from) ||
        Number.isNaN(to) ||
        (toArg && !Number.isFinite(to))
      ) {
        return undefined
      }
      return (env) => {
        const s = toStringValue(subject(env))
        if (s === undefined) return undefined
        const start = Math.min(s.length, Math.max(0, from))
        const end = Math.min(s.length, Math.max(0, to))
        return start >= end ? "" : s.slice(start, end)
      }
    },
  ),
  replace: define(V1, 3, 3, ([a, b, c]) => {
    const s = toStringValue(a)
    const search = toStringValue(b)
    const replacement = toStringValue(c)
    if (s === undefined || search === undefined || replacement === undefined) return undefined
    // A function replacement: `$&` and friends in the replacement are text, not patterns.
    return s.replaceAll(search, () => replacement)
  }),
  startswith: ofStrings(V1, (a, b) => a.startsWith(b)),
  endswith: ofStrings(V1, (a, b) => a.endsWith(b)),
  indexof: ofStrings(V2, (a, b) => a.indexOf(b)),
  chr: define(V1, 1, 1, ([a]) => {
    const x = toDecimalNumber(a)
    if (x === undefined) return undefined
    const code = Math.floor(x)
    return code >= 0 && code <= 127 ? String.fromCharCode(code) : undefined
  }),
}
