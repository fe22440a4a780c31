/**
 * Where things are on disk: the repository root, the Lambda entry modules, the rules file.
 * Resolved from this file's location, never from the working directory, so `cdk synth` from
 * packages/deploy, `npm run synth` from the root and vitest all build the same stack.
 */

import path from "node:path"
import { fileURLToPath } from "node:url"

/** The monorepo root (the folder holding package-lock.json). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url))

/** The deploy package's folder (cdk.json, cdk.out, assets/). */
export const DEPLOY_ROOT = fileURLToPath(new URL("../", import.meta.url))

/** The Lambda entry modules of adapters-aws — the same modules `sluice up` and `sluice invoke` run. */
export const HANDLER_ENTRIES = {
  kinesisConsumer: path.join(REPO_ROOT, "packages/adapters-aws/src/lambda/kinesisConsumer.ts"),
  firehoseTransform: path.join(REPO_ROOT, "packages/adapters-aws/src/lambda/firehoseTransform.ts"),
} as const

export type HandlerName = keyof typeof HANDLER_ENTRIES

/** A path relative to the repository root, resolved. */
export const fromRepoRoot = (relative: string): string => path.resolve(REPO_ROOT, relative)
