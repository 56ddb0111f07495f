// How a document travels as a BullMQ job, and the result of a job that failed in the queue.
// From the barrel, so this file does not depend on which internal module holds the types.
import type { ExtractFailure, SourceDocument } from '../index'

// Uint8Array content travels as base64 under this job name; string content as is.
const TEXT_JOB = 'document'
const BYTES_JOB = 'document:base64'

/** The document of a job (base64 content back to bytes). */
export function decode(jobName: string, data: SourceDocument): SourceDocument {
  if (jobName !== BYTES_JOB || typeof data?.content !== 'string') return data
  return { ...data, content: new Uint8Array(Buffer.from(data.content, 'base64')) }
}

/** The job of a document, or the reason it cannot be one. */
export function encode(
  doc: SourceDocument,
): { name: string; data: SourceDocument } | ExtractFailure {
  const id = typeof doc?.id === 'string' ? doc.id : ''
  if (id === '' || (typeof doc.content !== 'string' && !(doc.content instanceof Uint8Array))) {
    const message = 'a document needs a non-empty string id and string or Uint8Array content'
    return { ok: false, id, error: { code: 'MX_ENGINE_INPUT', message } }
  }
  if (typeof doc.content === 'string') return { name: TEXT_JOB, data: doc }
  const content = Buffer.from(doc.content.buffer, doc.content.byteOffset, doc.content.byteLength)
  return { name: BYTES_JOB, data: { ...doc, content: content.toString('base64') } }
}

/** The result of a document whose job failed in the queue (its consumers kept dying). */
export function crashed(doc: SourceDocument, reason: string): ExtractFailure {
  return {
    ok: false,
    id: doc.id,
    error: { code: 'MX_ENGINE_CRASH', message: `the queue job failed: ${reason}` },
    ...(doc.meta === undefined ? {} : { meta: doc.meta }),
  }
}
