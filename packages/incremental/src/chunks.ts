import { digest, fnv1a } from './hash'

/** One element of a version: id, content hash and the key of its result. */
export type ChunkEntry = [id: string, hash: string, resultKey: string]

/** Where each chunk of a version's element list starts, and its content-addressed key. */
export interface ChunkIndex {
  starts: number[]
  keys: string[]
  byFirstId: Map<string, number>
}

/** The element list of a version, position by position. */
export interface ElementColumns {
  ids: string[]
  hashes: string[]
  resultKeys: string[]
}

const MAX_CHUNK = 256

export const emptyChunks = (): ChunkIndex => ({ starts: [], keys: [], byFirstId: new Map() })

/**
 * Content-defined boundary: a chunk ends after an element whose id hashes to 0 mod 32 (FNV-1a).
 * Boundaries depend on ids only, so an edit changes one chunk and an insertion or deletion
 * changes one or two: the other chunks keep their keys and are shared with earlier versions.
 */
function endsChunk(id: string): boolean {
  return (fnv1a(id) >>> 0) % 32 === 0
}

/**
 * Splits a version's element list into content-addressed chunks, reusing the key of every chunk
 * equal to one of the previous version (compared entry by entry, without serialising). New
 * chunks are added to `blobs`. `changed`, when given, says the ids equal the previous version's
 * position by position and lists (in order) the only positions whose entries differ: the
 * previous boundaries, first-id index and keys of untouched chunks are then reused as they are,
 * in O(chunks + changed) without comparing any entry.
 */
export function chunkElements(
  next: ElementColumns,
  prev: ElementColumns & { chunks: ChunkIndex },
  blobs: Record<string, unknown>,
  changed?: readonly number[],
): ChunkIndex {
  const size = next.ids.length
  if (changed) return rechunkChanged(next, prev, blobs, changed)
  const out = emptyChunks()
  let start = 0
  for (let i = 0; i < size; i++) {
    if (i + 1 < size && i + 1 - start < MAX_CHUNK && !endsChunk(next.ids[i] as string)) continue
    const end = i + 1
    const key = reusedKey(next, prev, start, end) ?? newChunk(next, start, end, blobs)
    out.byFirstId.set(next.ids[start] as string, out.starts.length)
    out.starts.push(start)
    out.keys.push(key)
    start = end
  }
  return out
}

/** Same ids in place: boundaries depend on ids only, so only chunks holding a change are new. */
function rechunkChanged(
  next: ElementColumns,
  prev: ElementColumns & { chunks: ChunkIndex },
  blobs: Record<string, unknown>,
  changed: readonly number[],
): ChunkIndex {
  const { starts, keys } = prev.chunks
  const out: ChunkIndex = { starts, keys: keys.slice(), byFirstId: prev.chunks.byFirstId }
  let c = 0
  for (let n = 0; n < changed.length; ) {
    const position = changed[n] as number
    while (c + 1 < starts.length && (starts[c + 1] as number) <= position) c++
    const start = starts[c] as number
    const end = starts[c + 1] ?? next.ids.length
    out.keys[c] = newChunk(next, start, end, blobs)
    while (n < changed.length && (changed[n] as number) < end) n++
  }
  return out
}

function reusedKey(
  next: ElementColumns,
  prev: ElementColumns & { chunks: ChunkIndex },
  start: number,
  end: number,
): string | undefined {
  const index = prev.chunks.byFirstId.get(next.ids[start] as string)
  if (index === undefined) return undefined
  const prevStart = prev.chunks.starts[index] as number
  const prevEnd = prev.chunks.starts[index + 1] ?? prev.ids.length
  if (prevEnd - prevStart !== end - start) return undefined
  for (let i = start, j = prevStart; i < end; i++, j++) {
    if (next.ids[i] !== prev.ids[j] || next.hashes[i] !== prev.hashes[j]) return undefined
    if (next.resultKeys[i] !== prev.resultKeys[j]) return undefined
  }
  return prev.chunks.keys[index]
}

function newChunk(
  next: ElementColumns,
  start: number,
  end: number,
  blobs: Record<string, unknown>,
) {
  const entries: ChunkEntry[] = []
  for (let i = start; i < end; i++) {
    entries.push([next.ids[i] as string, next.hashes[i] as string, next.resultKeys[i] as string])
  }
  const key = `chunk:${digest(JSON.stringify(entries))}`
  blobs[key] = entries
  return key
}

/** Rebuilds the element columns and chunk index of a stored version from its chunk blobs. */
export function columnsFromChunks(
  chunkKeys: readonly string[],
  blobs: ReadonlyMap<string, unknown>,
): (ElementColumns & { chunks: ChunkIndex }) | undefined {
  const columns = { ids: [] as string[], hashes: [] as string[], resultKeys: [] as string[] }
  const chunks = emptyChunks()
  for (const key of chunkKeys) {
    const entries = blobs.get(key) as ChunkEntry[] | undefined
    if (!Array.isArray(entries) || entries.length === 0) return undefined
    chunks.byFirstId.set(entries[0]?.[0] as string, chunks.starts.length)
    chunks.starts.push(columns.ids.length)
    chunks.keys.push(key)
    for (const [id, hash, resultKey] of entries) {
      columns.ids.push(id)
      columns.hashes.push(hash)
      columns.resultKeys.push(resultKey)
    }
  }
  return { ...columns, chunks }
}
