/**
 * The handlers' default dead-letter target: one structured JSON line per dead letter on stderr.
 *
 * Lambda ships a function's stderr to CloudWatch Logs, so a poison record is kept (for the log
 * group's retention) with its reason, field, base64 payload and Kinesis coordinates, and Logs
 * Insights can query it: `filter type = "sluice.deadLetter" | fields deadLetter.reason`. A
 * line is written raw rather than through `console.error`, so it stays one parseable JSON
 * object whatever the function's log format. Writing to stderr cannot fail in a way we can see,
 * so `put` always succeeds; use a real store (a queue, a table) when dead letters must be
 * replayed. `list()` returns what this instance wrote, the latest `keep` of them (default
 * 1,000), for tests and local tools — not a durable history.
 */
import { Effect } from "effect"
import type { DeadLetter, DeadLetters } from "../ports/deadLetters.ts"

export interface ConsoleDeadLettersOptions {
  /** Where each line goes. Default: stderr (console.error where there is no process). */
  readonly write?: (line: string) => void
  /** How many letters `list()` remembers. Default 1,000. */
  readonly keep?: number
}

const writeStderr = (line: string): void => {
  const stderr = (globalThis as { process?: { stderr?: { write(text: string): unknown } } }).process?.stderr
  if (stderr !== undefined) stderr.write(`${line}\n`)
  else console.error(line)
}

/** The JSON line of a dead letter. */
export const deadLetterLine = (letter: DeadLetter): string =>
  JSON.stringify({ level: "ERROR", type: "sluice.deadLetter", message: letter.reason, deadLetter: letter })

export const consoleDeadLetters = (
  options: ConsoleDeadLettersOptions = {},
): { readonly service: DeadLetters["Service"] } => {
  const write = options.write ?? writeStderr
  const keep = options.keep ?? 1_000
  const recent = new Map<string, DeadLetter>()
  return {
    service: {
      put: (letters) =>
        Effect.sync(() => {
          for (const letter of letters) {
            write(deadLetterLine(letter))
            recent.delete(letter.id)
            recent.set(letter.id, letter)
            if (recent.size > keep) recent.delete(recent.keys().next().value as string)
          }
        }),
      list: () => Effect.sync(() => [...recent.values()].sort((a, b) => a.at - b.at)),
    },
  }
}
