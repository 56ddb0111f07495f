import { bench, formatBench, formatRatios } from '@mx/profiler/bench'
import { estimateSize, forceGc } from '../src/index'
import { documentJson } from '../test/helpers/documents'

// estimateSize on a parsed 10 K-element document, against the common shortcut of measuring
// the JSON text, in speed and in accuracy (heap growth measured between forced full GCs).
const ELEMENTS = 10_000
const json = documentJson(ELEMENTS, 42)

forceGc()
forceGc()
const before = process.memoryUsage().heapUsed
const doc = JSON.parse(json) as { elements: unknown[] }
forceGc()
forceGc()
const measured = process.memoryUsage().heapUsed - before

const jsonLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value))
let sink = 0

console.log(
  `\n## estimateSize: ${ELEMENTS}-element document, measured heap growth ${measured} bytes (one op = one document)`,
)
// Each side warms up for 400 ms (20 documents or so), then takes 25 samples, one after the
// other.
const perDocument = await bench(
  [
    ['estimateSize(doc)', () => (sink += estimateSize(doc))],
    ['Buffer.byteLength(JSON.stringify(doc))', () => (sink += jsonLength(doc))],
  ],
  { minSamples: 25, maxSamples: 25, timeMs: 0, warmupMs: 400 },
)
console.log(formatBench(perDocument))
console.log(formatRatios([{ ours: perDocument.tasks[0], peer: perDocument.tasks[1] }]))
for (const [name, measure] of [
  ['estimateSize(doc)', estimateSize],
  ['Buffer.byteLength(JSON.stringify(doc))', jsonLength],
] as const) {
  const estimate = measure(doc)
  // Checked loosely (the heap figure moves a little between runs): estimateSize stays close.
  if (name === 'estimateSize(doc)' && !(estimate > measured / 2 && estimate < measured * 2))
    throw new Error(`estimateSize(doc) ${estimate} is far from the measured ${measured} bytes`)
  console.log(
    `  ${name}: ${estimate} bytes reported, ${((estimate / measured) * 100).toFixed(1)} % of the measured heap growth`,
  )
}

// Per cache entry: one element at a time.
const elements = doc.elements
console.log(`\n## estimateSize per cache entry (one element; one op = one element)`)
const perEntry = await bench(
  [
    [
      'estimateSize(element)',
      () => {
        for (const element of elements) sink += estimateSize(element)
      },
    ],
  ],
  { minSamples: 5, maxSamples: 5, timeMs: 0, opsPerCall: elements.length },
)
console.log(formatBench(perEntry))
if (sink === 42) console.log('')
