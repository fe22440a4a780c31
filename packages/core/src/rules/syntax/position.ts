/**
 * Where a problem in a statement is, and what went wrong there.
 *
 * Everything the lexer, parser and compiler report is an `SqlError`: a 1-based line and column
 * (columns count UTF-16 code units, as editors do for the BMP), the 0-based offset, and a message
 * that says what was expected. Internally the parser throws `SqlErrorSignal` to unwind quickly;
 * the public entry points catch it and hand back a plain value, never an exception.
 */

export interface SqlError {
  readonly line: number
  readonly column: number
  readonly offset: number
  readonly message: string
}

/** Line and column (both 1-based) of an offset in a source text. */
export const positionOf = (source: string, offset: number): { line: number; column: number } => {
  let line = 1
  let lineStart = 0
  const stop = Math.min(Math.max(offset, 0), source.length)
  for (let i = 0; i < stop; i++) {
    if (source.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: stop - lineStart + 1 }
}

export const sqlErrorAt = (source: string, offset: number, message: string): SqlError => ({
  ...positionOf(source, offset),
  offset,
  message,
})

/** Thrown inside the lexer/parser/compiler only; caught at the public boundary. */
export class SqlErrorSignal {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

export const fail = (offset: number, message: string): never => {
  throw new SqlErrorSignal(offset, message)
}

/** "line 1, column 8: expected …" — the one-line form the CLI prints. */
export const formatSqlError = (error: SqlError): string =>
  `line ${error.line}, column ${error.column}: ${error.message}`
