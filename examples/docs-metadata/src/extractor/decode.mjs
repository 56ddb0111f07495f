// Turns a document's content (a string, or raw bytes straight from disk) into text, choosing the
// encoding the way a browser does: a byte order mark (UTF-8, UTF-16LE/BE) first; then the
// charset parameter of the media type (the `--encoding` flag); then, for HTML only, a
// `<meta charset>` or `<meta http-equiv="Content-Type">` in the first 1024 bytes, and else UTF-8
// when the bytes are valid UTF-8, windows-1252 when not. Markdown and text with no BOM and no
// charset must be UTF-8. Bytes that are not text make parse() throw a clear, coded error: the
// engine reports it for that document only and the run goes on.
import { isUtf8 } from 'node:buffer'

/** Thrown by parse() for content that is not a text document. `code` is stable. */
export class DocumentContentError extends Error {
  /**
   * @param {'MX_DOCS_BINARY' | 'MX_DOCS_INVALID_UTF8' | 'MX_DOCS_PDF_ENCRYPTED' | 'MX_DOCS_PDF_INVALID'} code
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
// The HTML spec's prescan looks for a <meta> charset in the first 1024 bytes only.
const prescanBytes = 1024
const boms = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
]

/**
 * Decodes a document's content and says which encoding it was read in (the name
 * `new TextDecoder(label).encoding` gives: `utf-8`, `utf-16le`, `windows-1252`, `shift_jis`, ...).
 * A string is already text: `utf-8`, its BOM dropped.
 * @param {string | Uint8Array} content
 * @param {string} id the document id, named in the error
 * @param {{ format?: string, mediaType?: string }} [options] the format (`html` sniffs <meta>)
 *   and the media type, whose `charset=` parameter names the encoding
 * @returns {{ text: string, encoding: string }}
 */
export function decodeDocument(content, id, { format, mediaType } = {}) {
  if (typeof content === 'string') {
    if (content.includes('\0')) throw binary(id)
    const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content
    return { text, encoding: 'utf-8' }
  }
  if (!(content instanceof Uint8Array))
    throw new TypeError(`document ${id}: content must be a string or a Uint8Array`)
  const declared = encodingOf(charsetOf(mediaType))
  const encoding =
    bomOf(content) ??
    declared ??
    (format === 'html' ? (prescan(content) ?? (isUtf8(content) ? 'utf-8' : 'windows-1252')) : null)
  if (encoding?.startsWith('utf-16')) {
    // UTF-16 text is full of NUL bytes: there a NUL character is the sign of a binary file.
    const text = decoder(encoding).decode(content)
    if (text.slice(0, sniffBytes / 2).includes('\0')) throw binary(id)
    return { text, encoding }
  }
  if (content.subarray(0, sniffBytes).includes(0)) throw binary(id)
  // Markdown and text nobody declared an encoding for must be UTF-8 (a BOM only says which UTF).
  if (encoding === null || (encoding === 'utf-8' && format !== 'html' && !declared))
    return { text: strictUtf8(content, id), encoding: 'utf-8' }
  // A declared or sniffed encoding decodes like a browser: a bad byte becomes U+FFFD.
  return {
    text: encoding === 'windows-1252' ? windows1252(content) : decoder(encoding).decode(content),
    encoding,
  }
}

/**
 * Decodes UTF-8 content (a BOM is dropped). Kept for callers that only want the text.
 * @param {string | Uint8Array} content
 * @param {string} id the document id, named in the error
 * @returns {string}
 */
export function decodeContent(content, id) {
  return decodeDocument(content, id).text
}

/**
 * The encoding a label names, by the WHATWG Encoding standard (`latin1` is windows-1252,
 * `utf-16` is utf-16le, ...), or undefined for no label or one Node's TextDecoder does not know.
 * @param {string | undefined} label
 */
export function encodingOf(label) {
  if (!label) return undefined
  try {
    return new TextDecoder(label).encoding
  } catch {
    return undefined
  }
}

/** The `charset` parameter of a media type (`text/plain; charset=windows-1252`). */
function charsetOf(mediaType) {
  return /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(mediaType ?? '')?.[1]
}

function bomOf(bytes) {
  return boms.find((bom) => bom.bytes.every((byte, i) => bytes[i] === byte))?.encoding
}

const decoders = new Map()
function decoder(encoding) {
  if (!decoders.has(encoding)) decoders.set(encoding, new TextDecoder(encoding))
  return decoders.get(encoding)
}

const metaTag = /<meta(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)/gi
const attribute = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g
const contentCharset = /charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))/i

/**
 * The HTML spec's prescan, simplified: the first `<meta charset=x>` or
 * `<meta http-equiv="Content-Type" content="...; charset=x">` outside comments in the first
 * 1024 bytes whose label is known. Tag and attribute names are case-insensitive, quotes optional.
 */
function prescan(bytes) {
  const head = latin1(bytes.subarray(0, prescanBytes)).replace(/<!--[\s\S]*?(?:-->|$)/g, '')
  for (const [, source] of head.matchAll(metaTag)) {
    const attributes = {}
    for (const [, name, ...values] of source.matchAll(attribute))
      attributes[name.toLowerCase()] ??= values.find((value) => value !== undefined) ?? ''
    const label =
      attributes.charset ??
      (attributes['http-equiv']?.toLowerCase() === 'content-type'
        ? contentCharset
            .exec(attributes.content ?? '')
            ?.slice(1)
            .find(Boolean)
        : undefined)
    const encoding = encodingOf(label)
    // A page that says it is UTF-16 was read as ASCII to find this: it is really UTF-8.
    if (encoding) return encoding.startsWith('utf-16') ? 'utf-8' : encoding
  }
  return undefined
}

const latin1 = (bytes) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')

// Node 20.18.3 and later decode windows-1252 as ISO-8859-1 (nodejs/node#60888): bytes 0x80–0x9F
// come out as C1 controls instead of € ‚ ƒ „ … ‘ ’ “ ” – —. The WHATWG table for those 32 bytes:
const cp1252 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152,
  0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122,
  0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
]
function windows1252(bytes) {
  return latin1(bytes).replace(/[\x80-\x9f]/g, (c) =>
    String.fromCharCode(cp1252[c.charCodeAt(0) - 0x80]),
  )
}

function strictUtf8(bytes, id) {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new DocumentContentError(
      'MX_DOCS_INVALID_UTF8',
      `document ${id} is not valid UTF-8 (at byte ${firstInvalidByte(bytes)}); in another encoding, name it with --encoding`,
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
