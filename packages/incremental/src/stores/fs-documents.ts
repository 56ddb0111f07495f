import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidOptionError, StoreCorruptError, UnknownVersionError } from '../errors'
import type { VersionRecord } from '../store-types'
import { readChecked } from './fs-files'

const VERSION_FILE = /^v(\d+)\.json$/
const PACK_FILE = /^pack-[\w-]+\.json$/
const CACHED_DOCUMENTS = 8

/** A version file: the record and the element results that version introduced. */
export interface VersionBody {
  record: VersionRecord
  blobs: Record<string, unknown>
}

/** The documents of an `fsStore` as it reads them: one directory each, blobs cached. */
export interface FsDocuments {
  /** The directory holding one directory per document. */
  readonly root: string
  /** Whether writes fsync before they count (`FsStoreOptions.durable`). */
  readonly durable: boolean
  dirOf(docId: string): string
  /** The version numbers present (ascending) and the pack files of a document. */
  listing(docId: string): Promise<{ versions: number[]; packs: string[] }>
  headOf(docId: string): Promise<number | null>
  readBody(docId: string, version: number): Promise<VersionBody>
  /** Blobs held by one file of a document, cached; a corrupt file holds none. */
  blobsIn(docId: string, name: string): Promise<Map<string, unknown>>
  /** The files of a document that hold blobs, newest version first, then the packs. */
  blobFiles(docId: string): Promise<string[]>
  /** Drops the cached blobs of a document whose files were removed. */
  forget(docId: string): void
  /** Drops every cached blob. */
  clear(): void
}

/** The reading side of an `fsStore` rooted at `root` (its `docs` directory). */
export function fsDocuments(root: string, durable: boolean): FsDocuments {
  // file name → blobs it holds; version files only lose blobs when deleted, packs are immutable
  const blobCache = new Map<string, Map<string, Map<string, unknown>>>()
  const dirOf = (docId: string) => join(root, encodeDocId(docId))

  async function listing(docId: string): Promise<{ versions: number[]; packs: string[] }> {
    let names: string[]
    try {
      names = await readdir(dirOf(docId))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { versions: [], packs: [] }
      throw error
    }
    const versions: number[] = []
    const packs: string[] = []
    for (const name of names) {
      const match = VERSION_FILE.exec(name)
      if (match) versions.push(Number(match[1]))
      else if (PACK_FILE.test(name)) packs.push(name)
    }
    return { versions: versions.sort((a, b) => a - b), packs }
  }

  async function blobsIn(docId: string, name: string): Promise<Map<string, unknown>> {
    let files = blobCache.get(docId)
    blobCache.delete(docId)
    files ??= new Map()
    // most recently used last; only a few documents' files stay parsed in memory
    blobCache.set(docId, files)
    if (blobCache.size > CACHED_DOCUMENTS) blobCache.delete(blobCache.keys().next().value as string)
    const cached = files.get(name)
    if (cached) return cached
    const blobs = new Map<string, unknown>()
    try {
      const body = (await readChecked(join(dirOf(docId), name))) as
        | { blobs?: Record<string, unknown> }
        | undefined
      for (const [key, value] of Object.entries(body?.blobs ?? {})) blobs.set(key, value)
    } catch (error) {
      if (!(error instanceof StoreCorruptError)) throw error
    }
    files.set(name, blobs)
    return blobs
  }

  return {
    root,
    durable,
    dirOf,
    listing,
    async headOf(docId) {
      const { versions } = await listing(docId)
      return versions.length === 0 ? null : (versions[versions.length - 1] as number)
    },
    async readBody(docId, version) {
      const file = join(dirOf(docId), `v${version}.json`)
      const body = (await readChecked(file)) as VersionBody | undefined
      if (body === undefined) throw new UnknownVersionError(docId, version)
      if (!body || typeof body !== 'object' || !body.record || body.record.version !== version) {
        throw new StoreCorruptError(file, 'unexpected content')
      }
      return body
    },
    blobsIn,
    async blobFiles(docId) {
      const { versions, packs } = await listing(docId)
      const names = [...versions.reverse().map((v) => `v${v}.json`), ...packs]
      const files = blobCache.get(docId)
      if (files) for (const name of files.keys()) if (!names.includes(name)) files.delete(name)
      return names
    },
    forget(docId) {
      blobCache.delete(docId)
    },
    clear() {
      blobCache.clear()
    },
  }
}

/** A document's directory name: base64url, so any id is one safe path segment. */
function encodeDocId(docId: string): string {
  const encoded = Buffer.from(docId, 'utf8').toString('base64url')
  if (encoded.length > 200) {
    throw new InvalidOptionError('docId', `docId is too long for fsStore (${docId.length} chars)`)
  }
  return `d${encoded}`
}

/** The document id of a directory name; undefined for anything else in the root. */
export function decodeDocId(name: string): string | undefined {
  if (!name.startsWith('d')) return undefined
  return Buffer.from(name.slice(1), 'base64url').toString('utf8')
}
