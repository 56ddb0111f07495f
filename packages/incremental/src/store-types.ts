import type { GraphSnapshot } from './types'

/** A stored version of a document. */
export interface VersionRecord {
  docId: string
  version: number
  parent: number | null
  createdAt: number
  kind: 'update' | 'rollback'
  /** For a rollback: the version whose content this one restores. */
  rollbackOf?: number
  /**
   * Blob keys of the element list, in order: each chunk blob holds `[id, hash, resultKey]`
   * entries. Chunks are content-addressed, so versions share every chunk that did not change.
   */
  chunks: string[]
  elementCount: number
  /** Hash of the element list: two documents with equal fingerprints have equal content. */
  fingerprint: string
  derived: GraphSnapshot
}

/** Summary of a version for `history()`. */
export interface VersionInfo {
  version: number
  parent: number | null
  createdAt: number
  kind: 'update' | 'rollback'
  rollbackOf?: number
  elementCount: number
}

export interface CommitRequest {
  /** The version this commit was computed from (`null` for the first one). */
  base: number | null
  record: VersionRecord
  /** Element results this commit introduces (content-addressed: key → result). */
  blobs: Record<string, unknown>
}

export interface PruneRequest {
  versions: number[]
  /** Blob keys still referenced by kept versions; every other blob may be deleted. */
  live: ReadonlySet<string>
}

/**
 * Where versions live. Commits are compare-and-swap on the latest version number: a commit whose
 * `base` is not the latest fails with `MX_INCREMENTAL_VERSION_CONFLICT`. Reads of a corrupt file throw
 * `MX_INCREMENTAL_STORE_CORRUPT` for that document only.
 */
export interface VersionStore {
  readonly name: string
  documents(): Promise<string[]>
  head(docId: string): Promise<number | null>
  commit(docId: string, request: CommitRequest): Promise<number>
  read(docId: string, version: number): Promise<VersionRecord>
  list(docId: string): Promise<VersionInfo[]>
  /** The stored blobs among `keys`; missing keys are absent from the map. */
  blobs(docId: string, keys: readonly string[]): Promise<Map<string, unknown>>
  /** Removes versions and every blob of the document not in `live`; returns blobs removed. */
  prune(docId: string, request: PruneRequest): Promise<{ blobsRemoved: number }>
  deleteDocument(docId: string): Promise<void>
  close(): Promise<void>
}
