/**
 * Synthesizes the app: `npm run synth` (offline, into packages/deploy/cdk.out) and the CDK CLI
 * (`cdk synth`, `cdk deploy`, which set CDK_OUTDIR) both run this file. Exits non-zero with
 * cdk-nag's report when a finding is not acknowledged, or with every config problem listed.
 */
import path from "node:path"
import { App } from "aws-cdk-lib"
import { buildApp } from "./app.ts"
import { DEPLOY_ROOT } from "./paths.ts"

const outdir = process.env.CDK_OUTDIR ?? path.join(DEPLOY_ROOT, "cdk.out")
const { app, stack } = buildApp(new App({ outdir }))
app.synth()
if (process.env.CDK_OUTDIR === undefined)
  process.stdout.write(
    `synthesized stack ${stack.stackName} into ${path.relative(process.cwd(), outdir) || "."}\n`,
  )
