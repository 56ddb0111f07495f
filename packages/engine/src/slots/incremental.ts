import { join } from 'node:path'
import {
  createTracker,
  fsStore,
  memoryStore,
  type Tracker,
  type VersionStore,
} from '@mx/incremental'
import type { IncrementalSlot } from '../types'

export interface EngineTracker extends IncrementalSlot {
  close(): Promise<void>
}

/**
 * The engine-built incremental slot: a tracker over an fs version store under
 * `cacheDir/versions` (memory store without `cacheDir`), keyed by the extractor's name and
 * version so a new extractor version never reuses old element results. Created on first use,
 * once the extractor module is loaded and its version known.
 */
export function engineTracker(options: {
  dir?: string | undefined
  key: () => string
}): EngineTracker {
  let store: VersionStore | undefined
  let tracker: Tracker | undefined
  return {
    update(docId, elements, spec) {
      if (!tracker) {
        store = options.dir ? fsStore({ dir: join(options.dir, 'versions') }) : memoryStore()
        tracker = createTracker({ store, key: options.key() })
      }
      return tracker.update(docId, elements, spec)
    },
    async close() {
      await store?.close()
    },
  }
}
