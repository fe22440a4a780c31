/**
 * `sluice up`: the whole pipeline on one machine.
 *
 * Placeholder until the local stack lands (issue 7): it says what exists and what is coming.
 */
import type { Command } from "../command.ts"

export const upCommand: Command = {
  path: ["up"],
  summary: "run the whole pipeline on this machine (broker, rules, stream, table, lake, dashboard)",
  options: {
    devices: { type: "string", valueName: "N", description: "simulated devices to start", default: "5" },
    "data-dir": { type: "string", valueName: "DIR", description: "where the stack keeps its data", default: ".sluice" },
  },
  run: async ({ io }) => {
    io.stdout("sluice up: the local stack is not built yet.\n")
    return 0
  },
}
