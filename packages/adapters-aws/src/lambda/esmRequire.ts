/**
 * Lets CommonJS code inside an ES-module bundle load Node's built-in modules.
 *
 * `esbuild --bundle --platform=node --format=esm` takes the AWS SDK's CommonJS build, and each
 * `require("node:https")` in it becomes a helper that throws "Dynamic require of … is not
 * supported" — at the first request, not at load — unless a `require` is in scope. Defining one
 * on globalThis before any bundled module runs makes the plain esbuild command produce a working
 * Lambda bundle, with no banner to remember. Imported first by each entry module; a no-op when
 * `require` already exists (CommonJS, or a bundler banner that defines it).
 */
import { createRequire } from "node:module"

const scope = globalThis as { require?: NodeJS.Require }
scope.require ??= createRequire(import.meta.url)
