/**
 * Every command of `sluice`, in the order `sluice --help` lists them. A command lives in a file
 * of its own in this folder; add it here with one line.
 */
import type { Command } from "../command.ts"
import { invokeFirehoseCommand } from "./invokeFirehose.ts"
import { lakeCompactCommand } from "./lakeCompact.ts"
import { queryCommand } from "./query.ts"
import { simCommand } from "./sim.ts"
import { upCommand } from "./up.ts"

export const commands: ReadonlyArray<Command> = [
  upCommand,
  simCommand,
  queryCommand,
  lakeCompactCommand,
  invokeFirehoseCommand,
]
