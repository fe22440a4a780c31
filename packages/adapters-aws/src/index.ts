export {}
export * from "./opensearch/index.ts"
