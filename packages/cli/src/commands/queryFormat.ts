/**
 * How `sluice query` prints rows: JSON lines for programs (one object per row, the default),
 * or an aligned table for people (`--format table`). Table cells show NULL for null, JSON for
 * objects and arrays, and are cut at 60 characters so a wide reading stays readable.
 */
import type { Json, JsonObject } from "@sluice/core"

export type QueryFormat = "json" | "table"

const MAX_CELL = 60

const cell = (value: Json | undefined): string => {
  if (value === null || value === undefined) return "NULL"
  const text = typeof value === "object" ? JSON.stringify(value) : String(value)
  const flat = text.replace(/[\r\n\t]/g, " ")
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat
}

export const formatJsonLines = (rows: ReadonlyArray<JsonObject>): string =>
  rows.map((row) => `${JSON.stringify(row)}\n`).join("")

export const formatTable = (columns: ReadonlyArray<string>, rows: ReadonlyArray<JsonObject>): string => {
  const cells = rows.map((row) => columns.map((column) => cell(row[column])))
  const numeric = columns.map(
    (column) =>
      rows.length > 0 && rows.every((row) => typeof row[column] === "number" || row[column] === null),
  )
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((line) => (line[i] as string).length)),
  )
  const line = (values: ReadonlyArray<string>) =>
    values
      .map((value, i) =>
        numeric[i] ? value.padStart(widths[i] as number) : value.padEnd(widths[i] as number),
      )
      .join("  ")
      .trimEnd()
  const out = [line(columns), widths.map((w) => "─".repeat(w)).join("  "), ...cells.map(line)]
  out.push(`(${rows.length} row${rows.length === 1 ? "" : "s"})`)
  return `${out.join("\n")}\n`
}
