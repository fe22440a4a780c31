/**
 * Loads the deploy config from a JSON file (or the defaults when no file is named), decoded
 * and checked by the schema in deployConfig.ts. A path is resolved from the working directory.
 */
import { readFileSync } from "node:fs"
import path from "node:path"
import { type DeployConfig, decodeDeployConfig } from "./deployConfig.ts"

export const loadDeployConfig = (file: string | undefined): DeployConfig => {
  if (file === undefined || file === "") return decodeDeployConfig({})
  const absolute = path.resolve(file)
  try {
    return decodeDeployConfig(JSON.parse(readFileSync(absolute, "utf8")) as unknown)
  } catch (error) {
    throw new Error(`deploy config ${absolute}: ${error instanceof Error ? error.message : String(error)}`)
  }
}
