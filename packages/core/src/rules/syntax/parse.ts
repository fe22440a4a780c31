/**
 * The non-throwing entry points of the syntax layer: a statement or an error value.
 *
 * A statement nested deeply enough to exhaust the stack (thousands of parentheses) is reported
 * as an error at its start rather than escaping as a RangeError.
 */
import type { Statement } from "./ast.ts"
import { parseStatementOrThrow } from "./parser.ts"
import { type SqlError, SqlErrorSignal, sqlErrorAt } from "./position.ts"

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: SqlError }

/** Runs `body`, turning the parser's error signal (or a stack overflow) into an error value. */
export const catchingSqlErrors = <T>(source: string, body: () => T): Parsed<T> => {
  try {
    return { ok: true, value: body() }
  } catch (error) {
    if (error instanceof SqlErrorSignal)
      return { ok: false, error: sqlErrorAt(source, error.offset, error.message) }
    if (error instanceof RangeError)
      return { ok: false, error: sqlErrorAt(source, 0, "statement nested too deeply") }
    throw error
  }
}

export const parseStatement = (source: string): Parsed<Statement> =>
  catchingSqlErrors(source, () => parseStatementOrThrow(source))
