/**
 * @sluice/deploy — the CDK app of the whole pipeline on AWS. `npm run synth` synthesizes it;
 * these exports let another CDK app embed the stack or build it with its own config.
 */
export { buildApp } from "./app.ts"
export {
  type DeployConfig,
  type DeployConfigInput,
  decodeDeployConfig,
  defaultDeployConfig,
} from "./config/deployConfig.ts"
export { loadDeployConfig } from "./config/loadDeployConfig.ts"
export { applyNagSuppressions, type NagSuppression, nagSuppressionsOf } from "./nag/suppressions.ts"
export { parseRulesFile, type RulesFile, readRulesFile } from "./rules/rulesFile.ts"
export { SluiceStack, type SluiceStackProps } from "./stack/sluiceStack.ts"
