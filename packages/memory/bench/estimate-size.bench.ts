import { estimateSize, forceGc } from '../src/index'
import { documentJson } from '../test/helpers/documents'
import { formatRate, opsPerSecond, printTable } from './util'

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
const ROUNDS = 20
const cases: [string, (value: unknown) => number][] = [
  ['estimateSize(doc)', estimateSize],
  ['Buffer.byteLength(JSON.stringify(doc))', jsonLength],
]
const rows = []
let sink = 0
for (const [name, measure] of cases) {
  const run = () => {
    for (let i = 0; i < ROUNDS; i++) sink += measure(doc)
  }
  run()
  const docsPerSecond = await opsPerSecond(ROUNDS, run)
  const estimate = measure(doc)
  rows.push({
    method: name,
    'documents/s': docsPerSecond.toFixed(1),
    'elements/s': formatRate(docsPerSecond * ELEMENTS),
    'ms/document': (1000 / docsPerSecond).toFixed(2),
    'bytes reported': estimate,
    'vs measured heap': `${((estimate / measured) * 100).toFixed(1)} %`,
  })
}
printTable(
  `estimateSize: ${ELEMENTS}-element document, measured heap growth ${measured} bytes`,
  rows,
)

// Per cache entry: one element at a time.
const elements = doc.elements
const perEntry = await opsPerSecond(elements.length, () => {
  for (const element of elements) sink += estimateSize(element)
})
printTable('estimateSize per cache entry (one element)', [
  {
    method: 'estimateSize(element)',
    rate: formatRate(perEntry),
    'ns/entry': Math.round(1e9 / perEntry),
  },
])
if (sink === 42) console.log('')
