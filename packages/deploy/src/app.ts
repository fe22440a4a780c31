/**
 * The CDK app, built by `buildApp` (src/main.ts runs it for `cdk synth`/`cdk deploy` through
 * cdk.json, and for `npm run synth`; the tests build it too).
 *
 * It reads the deploy config — a JSON file named by `-c sluiceConfig=path` or the
 * `SLUICE_DEPLOY_CONFIG` environment variable, else the defaults — builds the stack and runs
 * cdk-nag's AwsSolutions checks over it; an unsuppressed finding is an error annotation, which
 * fails `cdk synth` and `cdk deploy`. The stack is environment-agnostic unless the config names
 * an account and region, so synthesis needs no credentials and no network.
 */
import { App, Validations } from "aws-cdk-lib"
import { AwsSolutionsChecks } from "cdk-nag"
import { loadDeployConfig } from "./config/loadDeployConfig.ts"
import { applyNagSuppressions } from "./nag/suppressions.ts"
import { SluiceStack } from "./stack/sluiceStack.ts"

export const buildApp = (app: App = new App()): { app: App; stack: SluiceStack } => {
  const contextPath = app.node.tryGetContext("sluiceConfig") as string | undefined
  const config = loadDeployConfig(contextPath ?? process.env.SLUICE_DEPLOY_CONFIG)
  const stack = new SluiceStack(app, config.stackName, {
    config,
    description:
      "Sluice: the IoT telemetry pipeline (IoT Core, Kinesis, Lambda, DynamoDB, Firehose, S3, Athena, OpenSearch)",
    ...(config.account && config.region ? { env: { account: config.account, region: config.region } } : {}),
  })
  applyNagSuppressions(stack)
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }))
  return { app, stack }
}
