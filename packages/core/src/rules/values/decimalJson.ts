/**
 * A JSON reader for SQL version 2015-10-08, which keeps `10.0` a Decimal.
 *
 * `JSON.parse` cannot tell `10.0` from `10`, and version 2015-10-08 must (Int arithmetic
 * differs: `10 / 4` is 2, `10.0 / 4` is 2.5). This reader is only handed text that `JSON.parse`
 * already accepted, so it does no error reporting: it walks the text and boxes every number
 * written with a fraction or exponent whose value is integral as a `WholeDecimal`. Keys are
 * defined as own properties, like `JSON.parse` does (`__proto__` included).
 */
import { type SqlValue, WholeDecimal } from "./sqlValue.ts"

class Reader {
  private pos = 0
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    const t = this.text
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos)
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return
      this.pos++
    }
  }

  value(): SqlValue {
    this.skipSpace()
    const t = this.text
    const c = t[this.pos]
    if (c === "{") return this.object()
    if (c === "[") return this.array()
    if (c === '"') return this.string()
    if (c === "t") return this.literal("true", true)
    if (c === "f") return this.literal("false", false)
    if (c === "n") return this.literal("null", null)
    return this.number()
  }

  private literal(word: string, value: SqlValue): SqlValue {
    this.pos += word.length
    return value
  }

  private number(): SqlValue {
    const match = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y
    match.lastIndex = this.pos
    const found = match.exec(this.text) as RegExpExecArray
    this.pos += found[0].length
    const n = Number(found[0])
    const written = found[1] !== undefined || found[2] !== undefined
    return written && Number.isInteger(n) ? new WholeDecimal(n) : n
  }

  private string(): string {
    const match = /"(?:[^"\\]|\\.)*"/y
    match.lastIndex = this.pos
    const found = match.exec(this.text) as RegExpExecArray
    this.pos += found[0].length
    return JSON.parse(found[0]) as string
  }

  private array(): SqlValue[] {
    this.pos++
    const items: SqlValue[] = []
    this.skipSpace()
    if (this.text[this.pos] === "]") {
      this.pos++
      return items
    }
    for (;;) {
      items.push(this.value())
      this.skipSpace()
      if (this.text[this.pos++] === "]") return items
    }
  }

  private object(): Record<string, SqlValue> {
    this.pos++
    const result: Record<string, SqlValue> = {}
    this.skipSpace()
    if (this.text[this.pos] === "}") {
      this.pos++
      return result
    }
    for (;;) {
      this.skipSpace()
      const key = this.string()
      this.skipSpace()
      this.pos++ // ':'
      Object.defineProperty(result, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      })
      this.skipSpace()
      if (this.text[this.pos++] === "}") return result
    }
  }
}

/** Reads JSON text that `JSON.parse` accepts, boxing whole-valued Decimals. */
export const readDecimalJson = (text: string): SqlValue => new Reader(text).value()
