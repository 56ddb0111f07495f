import { randomBytes } from 'node:crypto'
import { link, mkdir, rename, rm, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { VersionConflictError } from '../errors'
import type { CommitRequest, PruneRequest } from '../store-types'
import type { FsDocuments } from './fs-documents'
import { removeDeadTemps, syncDir, writeTemp } from './fs-files'
import { validateCommit } from './shared'

/**
 * Writes the version file through a temp file and a hard link: `link` never overwrites, so of
 * two writers on the same base exactly one wins and the other gets a version conflict.
 */
export async function commitVersion(
  docs: FsDocuments,
  docId: string,
  request: CommitRequest,
): Promise<number> {
  validateCommit(docId, request)
  const { root, durable } = docs
  const dir = docs.dirOf(docId)
  const head = await docs.headOf(docId)
  if (request.base !== head) throw new VersionConflictError(docId, request.base, head)
  if (head === null) {
    await mkdir(dir, { recursive: true })
    await syncDir(root, durable)
  }
  const temp = await writeTemp(dir, { record: request.record, blobs: request.blobs }, durable)
  const target = join(dir, `v${request.record.version}.json`)
  try {
    await link(temp, target)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    throw new VersionConflictError(docId, request.base, await docs.headOf(docId))
  } finally {
    await unlink(temp).catch(() => undefined)
  }
  await syncDir(dir, durable)
  return request.record.version
}

/**
 * Removes version files (never the latest) and every pack: the live blobs they held are first
 * written to a new pack, so a crash midway loses nothing a kept version needs.
 */
export async function pruneVersions(
  docs: FsDocuments,
  docId: string,
  request: PruneRequest,
): Promise<{ blobsRemoved: number }> {
  const { durable } = docs
  const dir = docs.dirOf(docId)
  await removeDeadTemps(dir)
  const { versions, packs } = await docs.listing(docId)
  const head = versions[versions.length - 1]
  const removing = new Set(request.versions.filter((v) => v !== head && versions.includes(v)))
  const doomed = [...[...removing].map((v) => `v${v}.json`), ...packs]
  const kept = new Map<string, unknown>()
  const dead = new Set<string>()
  for (const name of doomed) {
    for (const [key, value] of await docs.blobsIn(docId, name)) {
      if (request.live.has(key)) kept.set(key, value)
      else dead.add(key)
    }
  }
  if (doomed.length === 0) return { blobsRemoved: 0 }
  if (kept.size > 0) {
    const temp = await writeTemp(dir, { blobs: Object.fromEntries(kept) }, durable)
    await rename(temp, join(dir, `pack-${Date.now()}-${randomBytes(4).toString('hex')}.json`))
    await syncDir(dir, durable)
  }
  for (const name of doomed) await unlink(join(dir, name)).catch(() => undefined)
  await syncDir(dir, durable)
  docs.forget(docId)
  return { blobsRemoved: dead.size }
}

/** Moves the document's directory aside in one rename, then removes it. */
export async function deleteDocumentDir(docs: FsDocuments, docId: string): Promise<void> {
  const dir = docs.dirOf(docId)
  const trash = join(docs.root, `.trash-${randomBytes(6).toString('hex')}`)
  try {
    await rename(dir, trash)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  await syncDir(docs.root, docs.durable)
  docs.forget(docId)
  await rm(trash, { recursive: true, force: true })
}
