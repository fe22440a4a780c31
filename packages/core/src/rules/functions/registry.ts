/**
 * Every built-in function, by lower-case name (IoT SQL function names are case-insensitive:
 * the reference writes `Round`, `Trim`, `isNull`).
 *
 * Functions that call other AWS services (`aws_lambda`, `get_dynamodb`, `get_thing_shadow`,
 * …) cannot run without an account; they are listed separately so the compile error can say so
 * instead of calling them unknown.
 */
import { collectionFunctions } from "./collectionFunctions.ts"
import { contextFunctions } from "./contextFunctions.ts"
import type { FunctionDefinition } from "./definition.ts"
import { encodingFunctions } from "./encodingFunctions.ts"
import { mathFunctions } from "./mathFunctions.ts"
import { regexFunctions } from "./regexFunctions.ts"
import { stringFunctions } from "./stringFunctions.ts"
import { timeFunctions } from "./timeFunctions.ts"

export const BUILT_IN_FUNCTIONS: ReadonlyMap<string, FunctionDefinition> = new Map(
  Object.entries({
    ...collectionFunctions,
    ...contextFunctions,
    ...encodingFunctions,
    ...mathFunctions,
    ...regexFunctions,
    ...stringFunctions,
    ...timeFunctions,
  }),
)

/** Functions IoT Core has that the local engine cannot offer, and why. */
export const UNAVAILABLE_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ["aws_lambda", "it invokes an AWS Lambda function"],
  ["get_dynamodb", "it reads an Amazon DynamoDB table"],
  ["get_secret", "it reads AWS Secrets Manager"],
  ["get_thing_shadow", "it reads the AWS IoT device shadow service"],
  ["get_registry_data", "it reads the AWS IoT thing registry"],
  ["machinelearning_predict", "it calls Amazon Machine Learning"],
  ["md2", "Node's OpenSSL no longer provides MD2"],
])
