/**
 * Every command of `sluice`, in the order `sluice --help` lists them. A command lives in a file
 * of its own in this folder; add it here with one line.
 */
import type { Command } from "../command.ts"
import { dlqListCommand } from "./dlqList.ts"
import { invokeFirehoseCommand } from "./invokeFirehose.ts"
import { invokeKinesisCommand } from "./invokeKinesis.ts"
import { lakeCompactCommand } from "./lakeCompact.ts"
import { queryCommand } from "./query.ts"
import { replayCommand } from "./replay.ts"
import { ruleTestCommand } from "./ruleTest.ts"
import { simCommand } from "./sim.ts"
import { tableScanCommand } from "./tableScan.ts"
import { upCommand } from "./up.ts"

export const commands: ReadonlyArray<Command> = [
  upCommand,
  simCommand,
  ruleTestCommand,
  queryCommand,
  lakeCompactCommand,
  replayCommand,
  invokeKinesisCommand,
  invokeFirehoseCommand,
  tableScanCommand,
  dlqListCommand,
]
