/**
 * The checked-in assets (Dashboards saved objects, index template) are exactly what adapters-aws
 * generates; `npm run assets -w @sluice/deploy` rewrites them after a change there.
 */
import { readFileSync } from "node:fs"
import { expect, it } from "vitest"
import { generatedAssets } from "../src/assets.ts"

it.each(generatedAssets().map((asset) => [asset.file.split("/").pop(), asset]))(
  "%s matches what adapters-aws generates",
  (_, asset) => {
    const onDisk = readFileSync(asset.file, "utf8")
    // Biome formats the checked-in JSON its own way; compare values there, text elsewhere.
    if (asset.file.endsWith(".json")) expect(JSON.parse(onDisk)).toEqual(JSON.parse(asset.content))
    else expect(onDisk).toBe(asset.content)
  },
)
