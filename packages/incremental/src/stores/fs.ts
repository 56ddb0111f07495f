import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidOptionError, StoreCorruptError } from '../errors'
import { checkFsStoreKeys } from '../options'
import type { VersionInfo, VersionStore } from '../store-types'
import { decodeDocId, fsDocuments } from './fs-documents'
import { commitVersion, deleteDocumentDir, pruneVersions } from './fs-writes'
import { infoOf } from './shared'

export interface FsStoreOptions {
  /** Directory holding the store; created when missing. */
  dir: string
  /** fsync files and directories before a commit counts (default true; false only for tests). */
  durable?: boolean
}

/**
 * A `VersionStore` on the file system, one directory per document. A commit writes a temp file
 * holding the record and the new element results, fsyncs it, then hard-links it to `v<N>.json`:
 * `link` never overwrites, so of two writers based on the same version exactly one wins and the
 * other gets `MX_INCREMENTAL_VERSION_CONFLICT`, and a SIGKILL at any point leaves either no `v<N>.json` or a
 * complete one. The latest version is the highest `v<N>.json` present: there is no pointer file
 * that could disagree with the versions. Every file starts with a checksum of its body, so a
 * damaged file is reported as `MX_INCREMENTAL_STORE_CORRUPT` for its own document only.
 */
export function fsStore(options: FsStoreOptions): VersionStore {
  checkFsStoreKeys(options)
  if (!options || typeof options.dir !== 'string' || options.dir === '') {
    throw new InvalidOptionError('dir', 'fsStore needs options.dir, a directory path')
  }
  const root = join(options.dir, 'docs')
  const docs = fsDocuments(root, options.durable ?? true)

  return {
    name: 'fs',
    async documents() {
      let names: string[]
      try {
        names = await readdir(root)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
        throw error
      }
      const out: string[] = []
      for (const name of names) {
        const docId = decodeDocId(name)
        if (docId !== undefined && (await docs.headOf(docId)) !== null) out.push(docId)
      }
      return out.sort()
    },
    head: docs.headOf,
    commit: (docId, request) => commitVersion(docs, docId, request),
    async read(docId, version) {
      return (await docs.readBody(docId, version)).record
    },
    async list(docId) {
      const { versions } = await docs.listing(docId)
      const out: VersionInfo[] = []
      for (const version of versions) {
        try {
          out.push(infoOf((await docs.readBody(docId, version)).record))
        } catch (error) {
          if (!(error instanceof StoreCorruptError)) throw error
        }
      }
      return out
    },
    async blobs(docId, keys) {
      const found = new Map<string, unknown>()
      const wanted = new Set(keys)
      for (const name of await docs.blobFiles(docId)) {
        if (found.size === wanted.size) break
        const blobs = await docs.blobsIn(docId, name)
        for (const key of wanted)
          if (!found.has(key) && blobs.has(key)) found.set(key, blobs.get(key))
      }
      const out = new Map<string, unknown>()
      for (const key of keys) if (found.has(key)) out.set(key, structuredClone(found.get(key)))
      return out
    },
    prune: (docId, request) => pruneVersions(docs, docId, request),
    deleteDocument: (docId) => deleteDocumentDir(docs, docId),
    async close() {
      docs.clear()
    },
  }
}
