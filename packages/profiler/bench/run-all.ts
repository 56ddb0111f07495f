// Runs every benchmark of this package and prints the README's tables.
import { cpus } from 'node:os'
import { main as metrics } from './metrics.bench'
import { main as overhead } from './overhead.bench'
import { main as spans } from './spans.bench'
import { markdown, overheadMarkdown } from './table'

console.log(
  `node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? 'unknown'}), ${new Date().toISOString()}\n`,
)
console.log(markdown(await metrics()))
console.log()
console.log(overheadMarkdown([...(await spans()), ...(await overhead())]))
