// diffElements on 10,000 elements (one edit, one insert, one delete, one move): with hashes
// already known (as the tracker has them from the previous version), and with the default
// hashing, once with the unchanged elements shared between the two lists (as an editor that
// replaces what it changes produces: those are not hashed) and once as fresh copies (a
// re-parsed document: each pair matched by id is compared field by field, and only the pairs
// that differ and the elements without a match are hashed).
import { deepStrictEqual, strictEqual } from 'node:assert'
import { loadavg } from 'node:os'
import { bench, formatBench, formatRatios } from '@mx/profiler/bench'
import { diffElements, type Element, hashElement } from '../src/index'
import { type Block, makeDocument } from './documents'

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

const check = diffElements(prev, next, { ignoreFields })
const shape = `${check.added.length} added, ${check.removed.length} removed, ${check.modified.length} modified, ${check.moved.length} moved, ${check.unchanged.length} unchanged`
// Every variant finds the same four changes; the baseline sees the edit and the insertion.
const counts = (diff: typeof check) =>
  [diff.added, diff.removed, diff.modified, diff.moved].map((list) => list.length)
deepStrictEqual(counts(check), [1, 1, 1, 1])
deepStrictEqual(
  counts(diffElements(prev, next, { hashOf: (element) => known.get(element) as string })),
  [1, 1, 1, 1],
)
deepStrictEqual(counts(diffElements(prev, copies, { ignoreFields })), [1, 1, 1, 1])

function baseline() {
  const byId = new Map(prev.map((element) => [element.id, JSON.stringify(element)]))
  let changed = 0
  for (const element of next) if (byId.get(element.id) !== JSON.stringify(element)) changed++
  return changed
}
strictEqual(baseline(), 2)

console.log(
  `diffElements on ${SIZE} elements (${shape}); ${RUNS} runs each after 1 s of warm-up; load average ${loadavg()[0]?.toFixed(1)} on 2 cores\n`,
)
const result = await bench(
  [
    [
      'diffElements, hashes known (hashOf)',
      () => diffElements(prev, next, { hashOf: (element) => known.get(element) as string }),
    ],
    [
      'diffElements, default hashing, shared objects',
      () => diffElements(prev, next, { ignoreFields }),
    ],
    [
      'diffElements, default hashing, fresh copies',
      () => diffElements(prev, copies, { ignoreFields }),
    ],
    ['baseline: Map by id + compare JSON.stringify', baseline],
  ],
  { minSamples: RUNS, maxSamples: RUNS, timeMs: 0, warmupMs: 1000 },
)
console.log(formatBench(result))
const [hashesKnown, shared, fresh, map] = result.tasks
console.log(
  formatRatios([
    { ours: hashesKnown, peer: map },
    { ours: shared, peer: map },
    { ours: fresh, peer: map },
  ]),
)
