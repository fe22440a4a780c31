/**
 * The AWS IoT SQL rules engine: compile a statement once, evaluate it for every message, with
 * IoT Core's semantics; topic filters; `${}` substitution templates; rules as data in the shape
 * of CloudFormation's TopicRulePayload, and routing a message to the actions of every matching
 * rule.
 */
export {
  CompiledRule,
  type CompileRuleOptions,
  type CompileRuleResult,
  compileRule,
  type EvaluationResult,
} from "./compile/compileRule.ts"
export { type EvaluationContext, PreparedMessage, type RuleMessage } from "./compile/message.ts"
export { BUILT_IN_FUNCTIONS, UNAVAILABLE_FUNCTIONS } from "./functions/registry.ts"
export type { CompiledAction, CompiledTopicRule, RuleProblem } from "./ruleset/compileTopicRule.ts"
export {
  type ActionFailure,
  type ErrorActionMessage,
  errorActionMessage,
  failedActionName,
  failedResourceOf,
} from "./ruleset/errorAction.ts"
export { HANDS_ON_TOPIC_FILTER, handsOnRules } from "./ruleset/handsOnRules.ts"
export {
  compileRulesFile,
  decodeRulesFile,
  type Loaded,
  loadRules,
  loadRulesText,
  type RulesIssue,
} from "./ruleset/loadRules.ts"
export { type ActionInvocation, type RuleMatch, RuleSet } from "./ruleset/ruleSet.ts"
export {
  type Action,
  actionParams,
  actionType,
  FIREHOSE_SEPARATORS,
  MAX_ACTIONS_PER_RULE,
  MAX_RULE_NAME_LENGTH,
  RULE_NAME_PATTERN,
  RulesFile,
  TopicRulePayload,
} from "./ruleset/topicRulePayload.ts"
export {
  type CompileTemplateResult,
  compileTemplate,
  SubstitutionTemplate,
} from "./substitutionTemplate.ts"
export type { BinaryOperator, Expr, Query, SelectClause, SelectItem, Statement } from "./syntax/ast.ts"
export { type Parsed, parseStatement } from "./syntax/parse.ts"
export { formatSqlError, type SqlError } from "./syntax/position.ts"
export { printExpr, printStatement } from "./syntax/printer.ts"
export {
  compileTopicFilter,
  MAX_TOPIC_BYTES,
  type TopicMatcher,
  topicFilterProblem,
  topicMatches,
  topicNameProblem,
} from "./topicFilter.ts"
export { DEFAULT_SQL_VERSION, SQL_VERSIONS, type SqlVersion } from "./values/sqlValue.ts"
