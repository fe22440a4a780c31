// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation JSON read back from the template is untyped
/**
 * Synthesizes the stack once for a test file, into a temporary cloud assembly, with cdk-nag's
 * AwsSolutions checks — exactly as `npm run synth` does, minus the files on disk it keeps.
 *
 * `bundle: false` skips esbuild (CDK's `aws:cdk:bundling-stacks` context set to none), for files
 * that only read the template: the template is the same apart from the asset hashes.
 * `suppress: false` leaves out the acknowledgments, to see every finding they cover. A failed
 * validation does not throw here: the report is returned for the test to judge.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { App, Validations } from "aws-cdk-lib"
import { Template } from "aws-cdk-lib/assertions"
import { AwsSolutionsChecks } from "cdk-nag"
import { type DeployConfigInput, decodeDeployConfig } from "../../src/config/deployConfig.ts"
import { applyNagSuppressions } from "../../src/nag/suppressions.ts"
import type { HandlerName } from "../../src/paths.ts"
import type { RulesFile } from "../../src/rules/rulesFile.ts"
import { SluiceStack } from "../../src/stack/sluiceStack.ts"

export interface Violation {
  readonly rule: string
  readonly path: string
  readonly severity: string
}

export interface Synthesized {
  readonly stack: SluiceStack
  readonly template: Template
  readonly json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }
  readonly outdir: string
  readonly violations: ReadonlyArray<Violation>
  readonly cleanup: () => void
}

export interface SynthesizeOptions {
  readonly config?: DeployConfigInput
  readonly bundle?: boolean
  readonly suppress?: boolean
  readonly rules?: RulesFile
  readonly handlerEntries?: Partial<Record<HandlerName, string>>
}

export const synthesize = (options: SynthesizeOptions = {}): Synthesized => {
  const outdir = mkdtempSync(path.join(tmpdir(), "sluice-synth-"))
  const app = new App({
    outdir,
    context: options.bundle === false ? { "aws:cdk:bundling-stacks": [] } : {},
  })
  const stack = new SluiceStack(app, "Sluice", {
    config: decodeDeployConfig(options.config ?? {}),
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.handlerEntries ? { handlerEntries: options.handlerEntries } : {}),
  })
  if (options.suppress !== false) applyNagSuppressions(stack)
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
  try {
    app.synth()
  } catch (error) {
    // A failed validation still writes the assembly and its report; anything else is a real error.
    if (!existsSync(path.join(outdir, "validation-report.json"))) throw error
  }
  const report = JSON.parse(readFileSync(path.join(outdir, "validation-report.json"), "utf8")) as {
    pluginReports: Array<{
      violations: Array<{
        ruleName: string
        severity: string
        violatingConstructs: Array<{ constructPath: string }>
      }>
    }>
  }
  const violations = report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath, severity: v.severity })),
    ),
  )
  const json = JSON.parse(readFileSync(path.join(outdir, "Sluice.template.json"), "utf8"))
  return {
    stack,
    template: Template.fromJSON(json),
    json,
    outdir,
    violations,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  }
}

/** Resources of one type, by logical id. */
export const resourcesOf = (synth: Synthesized, type: string) =>
  Object.entries(synth.json.Resources).filter(([, resource]) => resource.Type === type)

/** The properties of the one resource of a type (fails the test when there is not exactly one). */
export const onlyPropertiesOf = (synth: Synthesized, type: string): Record<string, any> => {
  const found = resourcesOf(synth, type)
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`)
  return (found[0]?.[1].Properties ?? {}) as Record<string, any>
}
