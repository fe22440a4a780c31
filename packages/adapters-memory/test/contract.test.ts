import { suite } from "../src/contract/index.ts"
import { MemoryDeadLetters, MemoryTable } from "../src/index.ts"

suite("memory", { table: () => MemoryTable.layer(), deadLetters: () => MemoryDeadLetters.layer() })
