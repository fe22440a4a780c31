/**
 * The synthesized template, resource by resource and statement by statement: one synthesis
 * (without bundling — synthesis.test.ts bundles) shared by the checks in test/template/, so the
 * suite pays for the CDK once rather than once per file.
 */
import { afterAll, beforeAll } from "vitest"
import { type Synthesized, synthesize } from "./support/synthesize.ts"
import { iotAndPipelineTests } from "./template/iotAndPipeline.ts"
import { lakeSearchAlarmsTests } from "./template/lakeSearchAlarms.ts"
import { leastPrivilegeTests } from "./template/leastPrivilege.ts"

let synth: Synthesized | undefined
beforeAll(() => {
  synth = synthesize({ bundle: false })
}, 120_000)
afterAll(() => synth?.cleanup())

const get = (): Synthesized => {
  if (synth === undefined) throw new Error("the stack was not synthesized")
  return synth
}

iotAndPipelineTests(get)
lakeSearchAlarmsTests(get)
leastPrivilegeTests(get)
