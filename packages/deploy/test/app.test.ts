/**
 * The app entry: the config file named by CDK context (`-c sluiceConfig=…`) or the environment
 * shapes the stack, and an account/region in the config pins its environment. Built without
 * bundling and not synthesized: this checks the wiring of config to stack only.
 */
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { App } from "aws-cdk-lib"
import { expect, it } from "vitest"
import { buildApp } from "../src/app.ts"

const configFile = (config: object) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "sluice-app-")), "config.json")
  writeFileSync(file, JSON.stringify(config))
  return file
}
const appWith = (context: Record<string, unknown>) =>
  new App({
    outdir: mkdtempSync(path.join(tmpdir(), "sluice-app-out-")),
    context: { "aws:cdk:bundling-stacks": [], ...context },
  })

it("builds the stack from the config file named in the CDK context", () => {
  const file = configFile({
    stackName: "SluiceLab",
    namePrefix: "lab",
    account: "123456789012",
    region: "eu-west-1",
  })
  const { stack } = buildApp(appWith({ sluiceConfig: file }))
  expect(stack.stackName).toBe("SluiceLab")
  expect(stack.config.namePrefix).toBe("lab")
  expect(stack.account).toBe("123456789012")
  expect(stack.region).toBe("eu-west-1")
})

it("is environment-agnostic with the defaults", () => {
  const previous = process.env.SLUICE_DEPLOY_CONFIG
  delete process.env.SLUICE_DEPLOY_CONFIG
  try {
    const { stack } = buildApp(appWith({}))
    expect(stack.stackName).toBe("Sluice")
    expect(stack.account).toMatch(/^\$\{Token\[/)
  } finally {
    if (previous !== undefined) process.env.SLUICE_DEPLOY_CONFIG = previous
  }
})
