// The regression gate's entry for @mx/incremental (`pnpm bench:gate`, scripts/bench-gate.mjs):
// one edited element in a 2,000-element document, incremental update against recomputing
// everything, interleaved. Each call of either side has its own caller (the update bench's, with
// shared objects) edit the document once more, the same sequence of edits on both, inside the
// timed call: a slice of the element array and one copied element, small beside either side's work.
import { gateRatios } from '@mx/testkit/gate'
import { createTracker, memoryStore } from '../src/index'
import { Caller, checkUpdate, recomputeAll, spec } from './update-workload'

const SIZE = 2_000

const tracker = createTracker({ store: memoryStore(), ignoreFields: ['meta.modifiedAt'] })
const ours = new Caller('shared', 'modify', SIZE)
const peer = new Caller('shared', 'modify', SIZE)
const first = ours.first().doc
checkUpdate('gate', first, await tracker.update('doc', first, spec), SIZE + 3)
let recomputed = 0

// Batches of 60 ms: a recompute takes several ms, so each batch still holds a few of them.
await gateRatios(
  [
    {
      name: 'update, one element edited of 2,000 ÷ recompute everything',
      ours: () => tracker.update('doc', ours.next().doc, spec),
      peer: () => {
        recomputed += recomputeAll(peer.next().doc).results.length
      },
    },
  ],
  { batchMs: 60 },
)
// Checked: an update holds what a from-scratch run of its document computes, and recomputed
// only the edited element and the three derived values.
const last = ours.next().doc
checkUpdate('gate', last, await tracker.update('doc', last, spec), 4)
if (recomputed === 0) throw new Error('the recompute side never ran')
