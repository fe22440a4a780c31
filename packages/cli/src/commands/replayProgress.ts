/**
 * What `sluice replay` shows while it runs and when it ends.
 *
 * - On a terminal: one bar on stderr, redrawn in place at most ten times a second —
 *   `[#########-----------]  45%  12,345 records · 3,210/s · stream:telemetry/shardId-000000000001`.
 *   The fraction is the part of the sources done: for a stream, shards done plus how far the
 *   current shard's last read is from its tip (by arrival time); for the lake, objects done.
 * - Otherwise (a pipe, a CI log): a line every `every` records, so the log stays short.
 * - At the end, a summary on stdout: what was read, and per projection whether it is live, whether
 *   it was rebuilt, and how many events it applied (events it had applied already are skipped).
 */
import type { ReplayProgress, ReplayReport } from "@sluice/core"

const BAR_WIDTH = 24
const REDRAW_MS = 100

const count = (n: number) => n.toLocaleString("en-US")

export interface ProgressReporter {
  readonly onBatch: (progress: ReplayProgress) => void
  /** Clears the bar (before the summary or an error). */
  readonly done: () => void
}

export const progressReporter = (options: {
  readonly write: (text: string) => void
  readonly mode: "bar" | "lines" | "none"
  /** Lines mode: a line every this many records. */
  readonly every: number
  /** Sources to go through (shards, or 1 for the lake), for the bar's fraction. */
  readonly sources: number
  readonly now?: () => number
}): ProgressReporter => {
  const now = options.now ?? Date.now
  const started = now()
  let lastDraw = 0
  let drawn = false
  let nextLine = options.every
  const seenSources: string[] = []
  const firstBehind = new Map<string, number>()

  const fraction = (p: ReplayProgress): number => {
    if (!seenSources.includes(p.source)) seenSources.push(p.source)
    const index = seenSources.indexOf(p.source)
    if (p.source === "lake") {
      const total = p.read + p.remaining
      return total === 0 ? 1 : p.read / total
    }
    if (!firstBehind.has(p.source)) firstBehind.set(p.source, p.remaining)
    const first = firstBehind.get(p.source) as number
    const inShard = first === 0 ? 1 : Math.min(1, Math.max(0, 1 - p.remaining / first))
    return Math.min(1, (index + inShard) / Math.max(1, options.sources))
  }

  return {
    onBatch: (p) => {
      const f = fraction(p)
      const elapsed = Math.max(1, now() - started) / 1000
      if (options.mode === "bar") {
        const t = now()
        if (t - lastDraw < REDRAW_MS) return
        lastDraw = t
        const filled = Math.round(f * BAR_WIDTH)
        const bar = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}]`
        options.write(
          `\r\x1b[2K${bar} ${String(Math.round(f * 100)).padStart(3)}%  ${count(p.read)} read · ${count(Math.round(p.read / elapsed))}/s · ${p.source}`,
        )
        drawn = true
      } else if (options.mode === "lines" && p.read >= nextLine) {
        while (nextLine <= p.read) nextLine += options.every
        options.write(`sluice replay: ${count(p.read)} read, ${count(p.events)} readings (${p.source})\n`)
      }
    },
    done: () => {
      if (drawn) options.write("\r\x1b[2K")
      drawn = false
    },
  }
}

export const summaryText = (from: string, report: ReplayReport, elapsedMs: number): string => {
  const what = from === "lake" ? "objects" : "records"
  const lines = [
    `sluice replay: ${count(report.read)} ${what} read from the ${from}, ${count(report.events)} readings${report.invalid > 0 ? `, ${count(report.invalid)} not readings (skipped)` : ""}, ${(elapsedMs / 1000).toFixed(1)} s`,
  ]
  const width = Math.max(...report.projections.map((p) => p.projection.length), 10)
  for (const p of report.projections) {
    const note =
      p.status === "stale"
        ? "a newer version is registered: not written"
        : p.rebuilt
          ? "rebuilt from the start"
          : "resumed"
    lines.push(
      `  ${p.projection.padEnd(width)}  ${p.status.padEnd(10)}  ${count(p.applied)} applied, ${count(p.skipped)} already applied  (${note})`,
    )
  }
  return `${lines.join("\n")}\n`
}
