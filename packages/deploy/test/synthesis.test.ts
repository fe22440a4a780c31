/**
 * The full synthesis, as `npm run synth` does it: handlers bundled, cdk-nag's AwsSolutions
 * checks run with the stack's acknowledgments — and not one finding left. The bundled handlers
 * are the modules the local stack runs: each Lambda's asset is built by esbuild from
 * adapters-aws's entry module (its esbuild metafile says so), and the bundle loads in Node with
 * the environment the stack gives it and exports `handler`. The one file that bundles.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { HANDLER_ENTRIES, REPO_ROOT } from "../src/paths.ts"
import { resourcesOf, type Synthesized, synthesize } from "./support/synthesize.ts"

let synth: Synthesized
beforeAll(() => {
  synth = synthesize()
}, 180_000)
afterAll(() => synth?.cleanup())

const functionNamed = (prefix: string) => {
  const found = resourcesOf(synth, "AWS::Lambda::Function").find(([id]) => id.startsWith(prefix))
  expect(found, prefix).toBeDefined()
  return found![1].Properties as {
    Code: { S3Key: string }
    Environment?: { Variables: Record<string, unknown> }
  }
}

/** The asset folder of a function: cdk.out/asset.<hash>, the hash being the S3 key's name. */
const assetDirOf = (fn: { Code: { S3Key: string } }) =>
  path.join(synth.outdir, `asset.${fn.Code.S3Key.replace(/\.zip$/, "")}`)

it("leaves no cdk-nag AwsSolutions finding unacknowledged, of any severity", () => {
  expect(synth.violations).toEqual([])
})

describe.each([
  ["the Kinesis consumer", "ConsumerHandlerFunction", HANDLER_ENTRIES.kinesisConsumer],
  ["the Firehose transform", "LakeDeliveryTransformFunction", HANDLER_ENTRIES.firehoseTransform],
])("%s", (_, logicalPrefix, entry) => {
  it("is bundled from the adapters-aws entry module, with @sluice/core from source", () => {
    const dir = assetDirOf(functionNamed(logicalPrefix))
    expect(existsSync(path.join(dir, "index.mjs"))).toBe(true)
    const meta = JSON.parse(readFileSync(path.join(dir, "index.meta.json"), "utf8")) as {
      inputs: Record<string, unknown>
      outputs: Record<string, { entryPoint?: string }>
    }
    const relativeEntry = path.relative(REPO_ROOT, entry)
    expect(relativeEntry).toMatch(/^packages\/adapters-aws\/src\/lambda\/\w+\.ts$/)
    const entryPoints = Object.values(meta.outputs).flatMap((o) => (o.entryPoint ? [o.entryPoint] : []))
    expect(entryPoints).toEqual([relativeEntry])
    expect(Object.keys(meta.inputs)).toContain(relativeEntry)
    expect(Object.keys(meta.inputs).some((input) => input.startsWith("packages/core/src/"))).toBe(true)
  })

  it("loads in Node with the stack's environment and exports an async handler", () => {
    const fn = functionNamed(logicalPrefix)
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1" }
    for (const [name, value] of Object.entries(fn.Environment?.Variables ?? {}))
      env[name] = typeof value === "string" ? value : `resolved-${name.toLowerCase()}`
    const script = `import(${JSON.stringify(path.join(assetDirOf(fn), "index.mjs"))}).then((m) => process.stdout.write(typeof m.handler))`
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      env,
      encoding: "utf8",
    })
    expect(output).toBe("function")
  })

  it("runs on the runtime's architecture with source maps enabled", () => {
    const fn = functionNamed(logicalPrefix) as { Environment?: { Variables: Record<string, unknown> } }
    expect(fn.Environment?.Variables.NODE_OPTIONS).toBe("--enable-source-maps")
  })
})
