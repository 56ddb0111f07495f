// Runs every benchmark of this package and prints the README's tables.
import { cpus } from 'node:os'
import { formatRatios } from '../src/bench-entry'
import { main as metrics } from './metrics.bench'
import { main as overhead } from './overhead.bench'
import { main as spans } from './spans.bench'
import { overheadMarkdown } from './table'

console.log(
  `node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString()}\n`,
)
console.log(formatRatios(await metrics()))
console.log()
console.log(overheadMarkdown([...(await spans()), ...(await overhead())]))
