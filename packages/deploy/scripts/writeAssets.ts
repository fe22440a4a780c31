/** Rewrites packages/deploy/assets from adapters-aws (see src/assets.ts), then formats them. */
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import path from "node:path"
import { generatedAssets } from "../src/assets.ts"

for (const { file, content } of generatedAssets()) {
  writeFileSync(file, content)
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`)
}
// The repository's one formatter decides how the JSON looks (`biome ci` checks it).
execFileSync("npx", ["biome", "format", "--write", ...generatedAssets().map((asset) => asset.file)], {
  stdio: "inherit",
})
