// diffElements on 10,000 elements (one edit, one insert, one delete, one move): with hashes
// already known (as the tracker has them from the previous version), and with the default
// hashing, once with the unchanged elements shared between the two lists (as an editor that
// replaces what it changes produces: those are not hashed) and once as fresh copies (a
// re-parsed document: all 20,000 elements hashed).
import { loadavg } from 'node:os'
import { diffElements, type Element, hashElement } from '../src/index'
import { type Block, fmt, makeDocument, percentile } from './util'

const SIZE = 10_000
const RUNS = 50
const prev = makeDocument(SIZE)
const next: Block[] = prev.slice()
next[100] = { ...(next[100] as Block), text: 'edited' }
next.splice(5000, 0, {
  id: 'inserted',
  type: 'paragraph',
  text: 'new',
  meta: { page: 0, modifiedAt: 0 },
})
next.splice(9000, 1)
const [moved] = next.splice(42, 1)
next.splice(7000, 0, moved as Block)

// the same list as fresh objects (a re-parsed document): nothing is shared with `prev`
const copies: Block[] = next.map((element) => ({ ...element, meta: { ...element.meta } }))

const ignoreFields = ['meta.modifiedAt']
const known = new WeakMap<Element, string>()
for (const element of [...prev, ...next]) known.set(element, hashElement(element, { ignoreFields }))

function measure(label: string, run: () => unknown) {
  for (let i = 0; i < 20; i++) run()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    run()
    samples.push(performance.now() - start)
  }
  return { label, p50: percentile(samples, 50), p90: percentile(samples, 90) }
}

const check = diffElements(prev, next, { ignoreFields })
const shape = `${check.added.length} added, ${check.removed.length} removed, ${check.modified.length} modified, ${check.moved.length} moved, ${check.unchanged.length} unchanged`
const rows = [
  measure('diffElements, hashes known (hashOf)', () =>
    diffElements(prev, next, { hashOf: (element) => known.get(element) as string }),
  ),
  measure('diffElements, default hashing, shared objects', () =>
    diffElements(prev, next, { ignoreFields }),
  ),
  measure('diffElements, default hashing, fresh copies', () =>
    diffElements(prev, copies, { ignoreFields }),
  ),
  measure('baseline: Map by id + compare JSON.stringify', () => {
    const byId = new Map(prev.map((element) => [element.id, JSON.stringify(element)]))
    let changed = 0
    for (const element of next) if (byId.get(element.id) !== JSON.stringify(element)) changed++
    return changed
  }),
]
console.log(
  `diffElements on ${SIZE} elements (${shape}); p50/p90 of ${RUNS} runs; load average ${loadavg()[0]?.toFixed(1)} on 2 cores\n`,
)
for (const row of rows)
  console.log(
    `${row.label.padEnd(46)} p50 ${fmt(row.p50).padStart(7)} ms  p90 ${fmt(row.p90).padStart(7)} ms`,
  )
