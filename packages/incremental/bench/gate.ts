// The regression gate's entry for @mx/incremental (`pnpm bench:gate`, scripts/bench-gate.mjs):
// one edited element in a 2,000-element document, incremental update against recomputing
// everything, interleaved. Each call of either side edits its own copy of the document once
// more (the same sequence of edits on both), inside the timed call: a slice of the element array
// and one copied element, small beside either side's work.
import { gateRatios } from '@mx/testkit/gate'
import { createTracker, memoryStore } from '../src/index'
import { type Block, makeDocument } from './documents'
import { checkUpdate, recomputeAll, spec } from './update-workload'

const SIZE = 2_000

/** A caller editing one element per call, as the update bench's shared-objects caller does. */
function editor() {
  let blocks = makeDocument(SIZE)
  let round = 0
  return {
    first: () => blocks,
    next(): Block[] {
      const at = (++round * 7919) % SIZE
      const next = blocks.slice()
      const old = next[at] as Block
      next[at] = { ...old, text: `${old.text} edit ${round}` }
      blocks = next
      return next
    },
  }
}

const tracker = createTracker({ store: memoryStore(), ignoreFields: ['meta.modifiedAt'] })
const ours = editor()
const peer = editor()
const first = ours.first()
checkUpdate('gate', first, await tracker.update('doc', first, spec), SIZE + 3)
peer.first()
let recomputed = 0

// Batches of 60 ms: a recompute takes several ms, so each batch still holds a few of them.
await gateRatios(
  [
    {
      name: 'update, one element edited of 2,000 ÷ recompute everything',
      ours: () => tracker.update('doc', ours.next(), spec),
      peer: () => {
        recomputed += recomputeAll(peer.next()).results.length
      },
    },
  ],
  { batchMs: 60 },
)
// Checked: an update holds what a from-scratch run of its document computes, and recomputed
// only the edited element and the three derived values.
const last = ours.next()
checkUpdate('gate', last, await tracker.update('doc', last, spec), 4)
if (recomputed === 0) throw new Error('the recompute side never ran')
