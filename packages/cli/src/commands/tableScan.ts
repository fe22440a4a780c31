/**
 * `sluice table scan [--latest] [--device ID] --data-dir D`: the stored readings of the local
 * table as JSON lines, ordered by (deviceId, ts) — each the item as written: `deviceId`, `ts`
 * and the reading's fields as published. `--latest` prints the devices' latest-state records
 * instead. A data directory without a table prints nothing (and says so on stderr).
 */
import { existsSync } from "node:fs"
import { DEFAULT_DATA_DIR, dataDirLayout, sqliteTable } from "@sluice/adapters-local"
import type { Command } from "../command.ts"

export const tableScanCommand: Command = {
  path: ["table", "scan"],
  summary: "print the stored readings (or --latest states) of the local table as JSON lines",
  options: {
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "the local stack's data directory",
      default: DEFAULT_DATA_DIR,
    },
    latest: { type: "boolean", description: "print each device's latest-state record instead" },
    device: { type: "string", valueName: "ID", description: "only this device" },
  },
  examples: ["sluice table scan --data-dir .sluice", "sluice table scan --latest"],
  run: async ({ values, io }) => {
    const layout = dataDirLayout(String(values["data-dir"]), io.cwd)
    if (!existsSync(layout.table)) {
      io.stderr(`sluice table scan: no table yet at ${layout.table}\n`)
      return 0
    }
    const table = sqliteTable({ path: layout.table })
    try {
      const device = typeof values.device === "string" ? values.device : undefined
      const items =
        values.latest === true
          ? device === undefined
            ? await table.scanLatest()
            : [await table.getLatest(device)].filter((item) => item !== undefined)
          : device === undefined
            ? await table.scan()
            : await table.query(device)
      io.stdout(items.map((item) => `${JSON.stringify(item)}\n`).join(""))
      return 0
    } finally {
      table.close()
    }
  },
}
