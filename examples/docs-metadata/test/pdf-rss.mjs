// Child process of the streaming-memory test in pdf.test.ts: extracts one PDF file through the
// engine (level performance, 2 threads, no cache) and prints its page and element counts and
// the process's peak RSS (worker threads included) as JSON.
//   node --expose-gc test/pdf-rss.mjs FILE.pdf
import { readFileSync } from 'node:fs'
import { createEngine } from '@mx/engine'
import { extractorUrl } from '../src/engine.mjs'
import { extractDocuments } from '../src/pdf-split.mjs'

const path = process.argv[2]
globalThis.gc?.()
let peak = process.memoryUsage().rss
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 10)
const engine = createEngine({
  extractor: extractorUrl,
  level: 'performance',
  threads: 2,
  cache: false,
  incremental: false,
})
try {
  const doc = { id: 'big.pdf', path, content: new Uint8Array(readFileSync(path)) }
  for await (const result of extractDocuments(engine, [doc])) {
    if (!result.ok) throw new Error(result.error.message)
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024)
    console.log(
      JSON.stringify({
        pages: result.metadata.pdf.pages,
        elements: result.elements.length,
        parts: result.stats.parts ?? 1,
        peakRssMb: Math.round(peak / 1024 / 1024),
      }),
    )
  }
} finally {
  clearInterval(sampler)
  await engine.close()
}
