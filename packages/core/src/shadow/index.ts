export { deltaOf, mergeSection, type ShadowDocument, type ShadowState } from "./document.ts"
export {
  handleShadowRequest,
  parseShadowTopic,
  type ShadowMessage,
  type ShadowOutcome,
  shadowTopic,
} from "./service.ts"
