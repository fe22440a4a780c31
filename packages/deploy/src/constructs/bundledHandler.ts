/**
 * A Lambda function bundled locally by esbuild from one of adapters-aws's entry modules.
 *
 * `NodejsFunction` runs the esbuild of the workspace (`forceDockerBundling: false`; no Docker
 * here or in CI) over the TypeScript source, so the function runs exactly the module the local
 * stack runs — `@sluice/core` and the adapters are bundled from source, the AWS SDK included
 * (not the runtime's copy), so the deployed code is the code the tests ran. Output is ESM
 * (`index.mjs`) with a `require` shim for the few CommonJS dependencies, minified, with a source
 * map (stack traces name the TypeScript lines) and an esbuild metafile (`index.meta.json`)
 * that records which source files went in — the stack tests read it.
 *
 * The function gets its own role with only a log-writing policy on its own log group (no AWS
 * managed policy); callers add the statements their function needs. Its log group is explicit,
 * with the configured retention, instead of one Lambda creates on first write and keeps forever.
 */

import path from "node:path"
import type { Duration, RemovalPolicy } from "aws-cdk-lib"
import * as iam from "aws-cdk-lib/aws-iam"
import * as lambda from "aws-cdk-lib/aws-lambda"
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs"
import * as logs from "aws-cdk-lib/aws-logs"
import { Construct } from "constructs"
import { type HandlerName, REPO_ROOT } from "../paths.ts"

/** The Lambda runtime: the newest Node.js LTS Lambda offers (cdk-nag AwsSolutions-L1). */
export const HANDLER_RUNTIME = lambda.Runtime.NODEJS_24_X
/** esbuild target matching the runtime. */
export const HANDLER_TARGET = "node24"

// ESM output has no `require`; CommonJS dependencies bundled into it still call it.
const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"

export interface BundledHandlerProps {
  readonly handler: HandlerName
  readonly description: string
  readonly memoryMb: number
  readonly timeout: Duration
  readonly environment: Readonly<Record<string, string>>
  readonly logRetention: logs.RetentionDays
  readonly removalPolicy: RemovalPolicy
  /** The entry module (`HANDLER_ENTRIES[handler]` unless the stack was given a custom one). */
  readonly entry: string
}

export class BundledHandler extends Construct {
  readonly function: NodejsFunction
  readonly role: iam.Role
  readonly logGroup: logs.LogGroup

  constructor(scope: Construct, id: string, props: BundledHandlerProps) {
    super(scope, id)
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    })
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `${props.description}: writes its own logs, plus what its function needs`,
    })
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn],
      }),
    )
    this.function = new NodejsFunction(this, "Function", {
      entry: props.entry,
      handler: "handler",
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // Stack traces name TypeScript lines: the bundle ships its source map.
      environment: { NODE_OPTIONS: "--enable-source-maps", ...props.environment },
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, "package-lock.json"),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: HANDLER_TARGET,
        mainFields: ["module", "main"],
        banner: REQUIRE_SHIM,
        externalModules: [],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        metafile: true,
      },
    })
  }
}
