// Turns a document's content (a string, or raw bytes straight from disk) into text. Bytes that
// are not text make parse() throw a clear, coded error: the engine reports it for that document
// only and the run goes on.

/** Thrown by parse() for content that is not a text document. `code` is stable. */
export class DocumentContentError extends Error {
  /**
   * @param {'MX_DOCS_BINARY' | 'MX_DOCS_INVALID_UTF8'} code
   * @param {string} message
   */
  constructor(code, message) {
    super(`${code}: ${message}`)
    this.name = 'DocumentContentError'
    this.code = code
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const lenient = new TextDecoder('utf-8', { ignoreBOM: true })
// A NUL byte in the first 8 KB is how git and grep tell a binary file; text never has one.
const sniffBytes = 8192

/**
 * Decodes UTF-8 content (a BOM is dropped).
 * @param {string | Uint8Array} content
 * @param {string} id the document id, named in the error
 * @returns {string}
 */
export function decodeContent(content, id) {
  if (typeof content === 'string') {
    if (content.includes('\0')) throw binary(id)
    return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content
  }
  if (!(content instanceof Uint8Array))
    throw new TypeError(`document ${id}: content must be a string or a Uint8Array`)
  if (content.subarray(0, sniffBytes).includes(0)) throw binary(id)
  try {
    return utf8.decode(content)
  } catch {
    throw new DocumentContentError(
      'MX_DOCS_INVALID_UTF8',
      `document ${id} is not valid UTF-8 (at byte ${firstInvalidByte(content)})`,
    )
  }
}

function binary(id) {
  return new DocumentContentError('MX_DOCS_BINARY', `document ${id} is binary (it holds NUL bytes)`)
}

/** Offset of the first byte that breaks UTF-8, so the message points at the problem. */
function firstInvalidByte(bytes) {
  // The lenient decoder replaces each bad sequence with U+FFFD; a U+FFFD that is really in the
  // input is the 3 bytes EF BF BD, so skip those.
  const text = lenient.decode(bytes)
  let offset = 0
  let from = 0
  for (let at = text.indexOf('\ufffd'); at !== -1; at = text.indexOf('\ufffd', at + 1)) {
    offset += Buffer.byteLength(text.slice(from, at))
    from = at
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd))
      return offset
  }
  return offset
}
