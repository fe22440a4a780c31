/**
 * `sluice dlq list --data-dir D`: the dead letters of the local stack as JSON lines, oldest
 * first — each with its reason, the field at fault when there is one, its stream coordinates
 * and its payload (base64, as stored; `--decode` adds it as text). Both the consumer's poison
 * records and the event source mapping's discarded records land here.
 */
import { existsSync } from "node:fs"
import { DEFAULT_DATA_DIR, dataDirLayout, sqliteDeadLetters } from "@sluice/adapters-local"
import type { Command } from "../command.ts"

const utf8 = new TextDecoder("utf-8", { fatal: true })

const decoded = (payload: string): string | undefined => {
  try {
    return utf8.decode(Buffer.from(payload, "base64"))
  } catch {
    return undefined
  }
}

export const dlqListCommand: Command = {
  path: ["dlq", "list"],
  summary: "print the dead letters of the local stack, with their reasons, as JSON lines",
  options: {
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "the local stack's data directory",
      default: DEFAULT_DATA_DIR,
    },
    decode: { type: "boolean", description: "also show each payload as text (payloadText) when it is UTF-8" },
  },
  examples: ["sluice dlq list --data-dir .sluice --decode"],
  run: async ({ values, io }) => {
    const layout = dataDirLayout(String(values["data-dir"]), io.cwd)
    if (!existsSync(layout.deadLetters)) {
      io.stderr(`sluice dlq list: no dead letters yet at ${layout.deadLetters}\n`)
      return 0
    }
    const deadLetters = sqliteDeadLetters({ path: layout.deadLetters })
    try {
      const letters = await deadLetters.list()
      const lines = letters.map((letter) => {
        const text = values.decode === true ? decoded(letter.payload) : undefined
        return `${JSON.stringify(text === undefined ? letter : { ...letter, payloadText: text })}\n`
      })
      io.stdout(lines.join(""))
      return 0
    } finally {
      deadLetters.close()
    }
  },
}
