export {
  type MosquittoBroker,
  type MosquittoOptions,
  type MosquittoTlsOptions,
  mosquittoBinary,
  startMosquitto,
} from "./mosquitto.ts"
export {
  type CertificateOptions,
  type CertificatePair,
  generateCertificates,
  type TestCertificates,
} from "./mosquittoCertificates.ts"
export { freePort } from "./ports.ts"
export { checkAsyncProperty, checkProperty, numRuns, propertyParams } from "./property.ts"
export { type WaitOptions, waitFor } from "./waitFor.ts"
