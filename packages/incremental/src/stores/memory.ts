import { UnknownVersionError, VersionConflictError } from '../errors'
import type { VersionInfo, VersionRecord, VersionStore } from '../store-types'
import { infoOf, validateCommit } from './shared'

interface MemoryDocument {
  versions: Map<number, string>
  blobs: Map<string, string>
}

/**
 * A `VersionStore` in process memory. Records and blobs are kept as JSON text, so what a caller
 * reads back never aliases what it committed, exactly as with a store on disk.
 */
export function memoryStore(): VersionStore {
  const docs = new Map<string, MemoryDocument>()

  function headOf(doc: MemoryDocument | undefined): number | null {
    if (!doc || doc.versions.size === 0) return null
    let head = 0
    for (const version of doc.versions.keys()) if (version > head) head = version
    return head
  }

  return {
    name: 'memory',
    async documents() {
      return [...docs.keys()].filter((docId) => headOf(docs.get(docId)) !== null).sort()
    },
    async head(docId) {
      return headOf(docs.get(docId))
    },
    async commit(docId, request) {
      validateCommit(docId, request)
      let doc = docs.get(docId)
      const head = headOf(doc)
      if (request.base !== head) throw new VersionConflictError(docId, request.base, head)
      const record = JSON.stringify(request.record)
      const blobs = Object.entries(request.blobs).map(([key, value]): [string, string] => [
        key,
        JSON.stringify(value),
      ])
      if (!doc) {
        doc = { versions: new Map(), blobs: new Map() }
        docs.set(docId, doc)
      }
      doc.versions.set(request.record.version, record)
      storeBlobs(doc, blobs)
      return request.record.version
    },
    async read(docId, version) {
      const json = docs.get(docId)?.versions.get(version)
      if (json === undefined) throw new UnknownVersionError(docId, version)
      return JSON.parse(json) as VersionRecord
    },
    async list(docId) {
      const doc = docs.get(docId)
      if (!doc) return []
      const out: VersionInfo[] = []
      for (const json of doc.versions.values()) out.push(infoOf(JSON.parse(json) as VersionRecord))
      return out.sort((a, b) => a.version - b.version)
    },
    async blobs(docId, keys) {
      const doc = docs.get(docId)
      const out = new Map<string, unknown>()
      if (!doc) return out
      for (const key of keys) {
        const json = doc.blobs.get(key)
        if (json !== undefined) out.set(key, JSON.parse(json))
      }
      return out
    },
    async prune(docId, request) {
      const doc = docs.get(docId)
      if (!doc) return { blobsRemoved: 0 }
      const head = headOf(doc)
      for (const version of request.versions) if (version !== head) doc.versions.delete(version)
      let blobsRemoved = 0
      for (const key of [...doc.blobs.keys()]) {
        if (request.live.has(key)) continue
        doc.blobs.delete(key)
        blobsRemoved++
      }
      return { blobsRemoved }
    },
    async deleteDocument(docId) {
      docs.delete(docId)
    },
    async close() {
      docs.clear()
    },
  }
}

/**
 * Its own function, ending with its loop: V8 compiles a long loop (a first commit of 10,000
 * blobs) on-stack, and code after it would bail out of that compiled loop on every later commit.
 */
function storeBlobs(doc: MemoryDocument, blobs: ReadonlyArray<[string, string]>): void {
  for (let i = 0; i < blobs.length; i++) {
    const [key, json] = blobs[i] as [string, string]
    doc.blobs.set(key, json)
  }
}
