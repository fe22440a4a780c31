#!/usr/bin/env node
// The `sluice` command. Node 20 cannot run TypeScript on its own, so the bin registers tsx's
// loader and then imports the TypeScript entry: no build step stands between `npm ci` and a
// working command (see docs/decisions/0003-cli-runs-typescript-through-tsx.md).
import { register } from "tsx/esm/api"

register()
const { main } = await import("../src/main.ts")
process.exitCode = await main(process.argv.slice(2))
