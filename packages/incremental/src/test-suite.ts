import { afterEach, beforeEach, describe } from 'vitest'
import type { VersionStore } from './store-types'
import {
  commitCases,
  lifecycleCases,
  readCases,
  type SuiteContext,
  sampleRecord,
} from './test-suite-cases'

export { sampleRecord }

export interface VersionStoreSuiteOptions {
  /** Called after each test with the store it used (e.g. to remove a temp dir). */
  cleanup?: (store: VersionStore) => void | Promise<void>
}

/**
 * The conformance suite every `VersionStore` runs, ours and users': compare-and-swap commits,
 * reads, content-addressed blobs shared between versions, pruning and isolation of documents.
 */
export function versionStoreSuite(
  name: string,
  factory: () => VersionStore | Promise<VersionStore>,
  options: VersionStoreSuiteOptions = {},
): void {
  describe(`VersionStore conformance: ${name}`, () => {
    let store: VersionStore

    beforeEach(async () => {
      store = await factory()
    })
    afterEach(async () => {
      await store.close()
      await options.cleanup?.(store)
    })

    const suite: SuiteContext = {
      get store() {
        return store
      },
      async commit(docId, version, blobs = {}) {
        const results = Object.keys(blobs)
        return store.commit(docId, {
          base: version === 1 ? null : version - 1,
          record: sampleRecord(docId, version, results),
          blobs,
        })
      },
    }
    commitCases(suite)
    readCases(suite)
    lifecycleCases(suite)
  })
}
