/**
 * The files the stack's users import by hand after `cdk deploy`, generated from adapters-aws so
 * they never drift from the adapter: the Dashboards saved objects (assets/dashboards.ndjson)
 * and the daily-index template (assets/index-template.json, the body of
 * `PUT _index_template/telemetry-daily`). `npm run assets -w @sluice/deploy`
 * rewrites them; a test fails when a checked-in file differs from what this produces.
 */
import path from "node:path"
import { dashboardsNdjson, indexTemplateBody } from "@sluice/adapters-aws"
import { DEPLOY_ROOT } from "./paths.ts"

export interface GeneratedAsset {
  readonly file: string
  readonly content: string
}

export const generatedAssets = (indexPrefix = "telemetry"): ReadonlyArray<GeneratedAsset> => [
  { file: path.join(DEPLOY_ROOT, "assets/dashboards.ndjson"), content: dashboardsNdjson({ indexPrefix }) },
  {
    file: path.join(DEPLOY_ROOT, "assets/index-template.json"),
    content: `${JSON.stringify(indexTemplateBody({ indexPrefix }), null, 2)}\n`,
  },
]
