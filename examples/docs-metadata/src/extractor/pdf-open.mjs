// Opening a PDF with pdfjs-dist: its legacy Node build, imported on the first PDF only (a
// Markdown-only run never loads it), with the DOMMatrix its text path needs, and its failures
// as typed document errors.
import { DocumentContentError } from './decode.mjs'

/** The options every document is opened with: no fonts, no eval, no console output. */
const openOptions = {
  disableFontFace: true,
  useSystemFonts: false,
  isEvalSupported: false,
  verbosity: 0,
}
/** @type {Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | undefined} */
let loading

/**
 * pdfjs, loaded once per thread. Its Node build needs a global DOMMatrix (a module-level
 * `new DOMMatrix()`) that only the native @napi-rs/canvas would provide; text extraction uses
 * nothing but the 2D affine part, defined here. Its import-time warnings about the missing
 * canvas package are dropped (they would go to stderr).
 */
export function loadPdfjs() {
  loading ??= (async () => {
    globalThis.DOMMatrix ??= AffineMatrix
    const warn = console.warn
    console.warn = (...args) => {
      if (!(typeof args[0] === 'string' && args[0].startsWith('Warning: Cannot'))) warn(...args)
    }
    try {
      return await import('pdfjs-dist/legacy/build/pdf.mjs')
    } finally {
      console.warn = warn
    }
  })()
  return loading
}

/** The 2D affine subset of DOMMatrix that pdfjs's text path touches. */
class AffineMatrix {
  a = 1
  b = 0
  c = 0
  d = 1
  e = 0
  f = 0
  constructor([a, b, c, d, e, f] = [1, 0, 0, 1, 0, 0]) {
    Object.assign(this, { a, b, c, d, e, f })
  }
  multiplySelf(m) {
    const { a, b, c, d, e, f } = this
    Object.assign(this, {
      a: a * m.a + c * m.b,
      b: b * m.a + d * m.b,
      c: a * m.c + c * m.d,
      d: b * m.c + d * m.d,
      e: a * m.e + c * m.f + e,
      f: b * m.e + d * m.f + f,
    })
    return this
  }
  scaleSelf(x, y = x) {
    return this.multiplySelf({ a: x, b: 0, c: 0, d: y, e: 0, f: 0 })
  }
  translateSelf(x = 0, y = 0) {
    return this.multiplySelf({ a: 1, b: 0, c: 0, d: 1, e: x, f: y })
  }
}

const invalid = (id, why) =>
  new DocumentContentError('MX_DOCS_PDF_INVALID', `document ${id} is not a readable PDF: ${why}`)

/**
 * Opens a PDF with pdfjs. Throws MX_DOCS_PDF_INVALID for bytes that are not a PDF or are
 * truncated (pdfjs would rebuild a cut file's cross-reference table and read what is left, so
 * a file without `%%EOF` in its last 1 KB is refused first), MX_DOCS_PDF_ENCRYPTED for one
 * that needs a password.
 * @param {string | Uint8Array} content
 * @param {string} id
 */
export async function openPdf(content, id) {
  if (!(content instanceof Uint8Array)) throw invalid(id, 'its content is text, not bytes')
  const head = Buffer.from(content.buffer, content.byteOffset, Math.min(content.length, 1024))
  if (!head.includes('%PDF-')) throw invalid(id, 'no %PDF- header in its first 1 KB')
  const tail = Buffer.from(content.subarray(Math.max(0, content.length - 1024)))
  if (!tail.includes('%%EOF'))
    throw invalid(id, `it is truncated (no %%EOF in its last 1 KB, ${content.length} bytes)`)
  const pdfjs = await loadPdfjs()
  // A copy: pdfjs transfers (detaches) the buffer it is given, and may not take a shared one.
  const task = pdfjs.getDocument({ data: new Uint8Array(content), ...openOptions })
  try {
    return await task.promise
  } catch (error) {
    await task.destroy()
    throw typed(error, id)
  }
}

/** A pdfjs failure as a typed error. */
export function typed(error, id) {
  if (error instanceof DocumentContentError) return error
  if (error?.name === 'PasswordException')
    return new DocumentContentError(
      'MX_DOCS_PDF_ENCRYPTED',
      `document ${id} is an encrypted PDF that needs a password`,
    )
  return invalid(id, String(error?.message ?? error))
}
