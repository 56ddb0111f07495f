import { createObjectPool } from '../src/index'
import { documentJson } from '../test/helpers/documents'

// One extraction of a 10 K-element document in a fresh process; prints peak RSS.
// Per element, the extractor needs a 64 KiB shingle-count table (near-duplicate detection) and
// a 64 KiB output buffer: allocated per element, or borrowed from object pools.
const mode = process.argv[2]
const TABLE = 16_384
const OUTPUT = 64 * 1024

interface Scratch {
  counts: Uint32Array
  output: Buffer
}

const makeScratch = (): Scratch => ({
  counts: new Uint32Array(TABLE),
  output: Buffer.allocUnsafeSlow(OUTPUT),
})
const pool = createObjectPool({
  create: makeScratch,
  reset: (scratch) => scratch.counts.fill(0),
  max: 4,
})

interface Element {
  id: string
  text: string
  tags: string[]
}

function extract(element: Element, scratch: Scratch) {
  const words = element.text.split(' ')
  let distinct = 0
  for (let i = 0; i + 1 < words.length; i++) {
    let hash = 2166136261
    const shingle = `${words[i]} ${words[i + 1]}`
    for (let c = 0; c < shingle.length; c++)
      hash = Math.imul(hash ^ shingle.charCodeAt(c), 16777619)
    const slot = (hash >>> 0) % TABLE
    if (scratch.counts[slot] === 0) distinct++
    scratch.counts[slot] = (scratch.counts[slot] as number) + 1
  }
  const written = scratch.output.write(JSON.stringify({ id: element.id, words: words.length }))
  return {
    id: element.id,
    words: words.length,
    distinct,
    bytes: written,
    tags: element.tags.length,
  }
}

const doc = JSON.parse(documentJson(10_000, 11)) as { elements: Element[] }
const rssBefore = process.memoryUsage.rss()
const start = performance.now()
const results = []
for (const element of doc.elements) {
  if (mode === 'pooled') results.push(pool.use((scratch) => extract(element, scratch)))
  else results.push(extract(element, makeScratch()))
}
const ms = performance.now() - start
console.log(
  JSON.stringify({
    mode,
    peakRss: process.resourceUsage().maxRSS * 1024,
    rssBefore,
    ms,
    results: results.length,
  }),
)
