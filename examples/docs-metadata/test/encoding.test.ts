import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { parseCommandLine } from '../src/cli/args.mjs'
import { readLines, runCli } from './cli-helpers'
import { extractInline as extract, extractor } from './helpers'

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'))
const utf16le = (text: string) => new Uint8Array([0xff, 0xfe, ...Buffer.from(text, 'utf16le')])
const utf16be = (text: string) => {
  const bytes = Buffer.from(text, 'utf16le').swap16()
  return new Uint8Array([0xfe, 0xff, ...bytes])
}
type Doc = { id: string; content: string | Uint8Array; mediaType?: string }
type Element = { id: string; type: string; text?: string; encoding?: string }
/** parse() of a text document: its elements (only a PDF's come as a promise). */
const parse = (doc: Doc) => extractor.parse(doc) as Element[]
/** The document-info pseudo-element parse() puts first. */
const info = (doc: Doc) => parse(doc)[0] as Element
const page = (head: string, body: string) =>
  `<html><head>${head}<title>Caf\u00e9</title></head><body><p>${body}</p></body></html>`

describe('encodings (HTML, sniffed the way a browser does)', () => {
  it('reads ISO-8859-1 bytes declared by <meta charset> (decoded as windows-1252)', () => {
    const content = latin1(page('<meta charset="ISO-8859-1">', 'D\u00e9j\u00e0 vu, caf\u00e9.'))
    const { metadata } = extract({ id: 'a.html', content })
    expect(metadata).toMatchObject({ title: 'Café', encoding: 'windows-1252' })
    expect(metadata.description).toBe('Déjà vu, café.')
  })

  it('reads the charset of <meta http-equiv="Content-Type">, case-insensitive, quotes optional', () => {
    const head = '<META HTTP-EQUIV=content-type CONTENT="text/html; Charset=iso-8859-1">'
    const { metadata } = extract({ id: 'b.html', content: latin1(page(head, 'caf\u00e9')) })
    expect(metadata).toMatchObject({ title: 'Café', encoding: 'windows-1252' })
  })

  it('reads Shift_JIS declared by <meta charset>', () => {
    const head = [...Buffer.from('<html><head><meta charset=Shift_JIS><title>')]
    // 日本語 in Shift_JIS.
    const title = [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]
    const tail = [...Buffer.from('</title></head><body><p>x</p></body></html>')]
    const { metadata } = extract({
      id: 'c.html',
      content: new Uint8Array([...head, ...title, ...tail]),
    })
    expect(metadata).toMatchObject({ title: '日本語', encoding: 'shift_jis' })
  })

  it('falls back to windows-1252 when nothing is declared and the bytes are not UTF-8', () => {
    // 0x93/0x94 are “ ” and 0x80 is € in windows-1252 (not C1 controls as in ISO-8859-1).
    const content = new Uint8Array([
      ...latin1(page('', 'caf\u00e9 ')),
      ...[0x93, 0x41, 0x94, 0x20, 0x80],
    ])
    const { metadata } = extract({ id: 'd.html', content })
    expect(metadata).toMatchObject({ title: 'Café', encoding: 'windows-1252' })
    const els = parse({ id: 'd.html', content })
    expect(els.some((e) => e.text?.endsWith('\u201cA\u201d \u20ac'))).toBe(true)
  })

  it('reads undeclared valid UTF-8 as UTF-8', () => {
    const content = new Uint8Array(Buffer.from(page('', 'café')))
    expect(extract({ id: 'e.html', content }).metadata).toMatchObject({
      title: 'Café',
      encoding: 'utf-8',
    })
  })

  it('skips comments and unknown labels, and reads a declared UTF-16 as UTF-8 (spec rule)', () => {
    const head =
      '<!-- <meta charset="shift_jis"> --><meta charset="x-klingon"><meta charset=latin2>'
    expect(info({ id: 'f.html', content: latin1(page(head, 'x')) }).encoding).toBe('iso-8859-2')
    const utf16 = new Uint8Array(Buffer.from(page('<meta charset="utf-16">', 'café')))
    expect(info({ id: 'g.html', content: utf16 }).encoding).toBe('utf-8')
  })

  it('only looks for <meta> in the first 1024 bytes', () => {
    const head = `<!-- ${'x'.repeat(1100)} --><meta charset="shift_jis">`
    expect(info({ id: 'h.html', content: latin1(page(head, 'caf\u00e9')) }).encoding).toBe(
      'windows-1252',
    )
  })

  it('lets the media type charset beat <meta>, and a BOM beat both', () => {
    const content = latin1(page('<meta charset="shift_jis">', 'caf\u00e9'))
    const mediaType = 'text/html; charset="ISO-8859-1"'
    expect(info({ id: 'i.html', content, mediaType }).encoding).toBe('windows-1252')
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(page('', 'café'))])
    const both = extract({ id: 'j.html', content: bom, mediaType } as never).metadata
    expect(both).toMatchObject({ title: 'Café', encoding: 'utf-8' })
  })
})

describe('encodings (UTF-16 with a byte order mark)', () => {
  it.each([
    ['utf-16le', utf16le],
    ['utf-16be', utf16be],
  ])(
    'reads %s Markdown, text and HTML, and does not take the NUL bytes for binary',
    (encoding, encode) => {
      const markdown = extract({ id: 'a.md', content: encode('# Café\n\nSome text.\n') }).metadata
      expect(markdown).toMatchObject({ title: 'Café', encoding, counts: { elements: 2 } })
      const text = extract({ id: 'a.txt', content: encode('Notes\n\nSome text here.\n') }).metadata
      expect(text).toMatchObject({ title: 'Notes', encoding, format: 'text' })
      const html = extract({ id: 'a.html', content: encode(page('', 'café')) }).metadata
      expect(html).toMatchObject({ title: 'Café', encoding, format: 'html' })
    },
  )

  it('still finds binary content in UTF-16 (a NUL character)', () => {
    expect(() => extractor.parse({ id: 'b.md', content: utf16le('# A\0B') })).toThrow(
      expect.objectContaining({ code: 'MX_DOCS_BINARY' }),
    )
  })
})

describe('encodings (Markdown and text)', () => {
  const cafe = latin1('# Caf\u00e9\n\nD\u00e9j\u00e0 vu.\n')

  it('throws MX_DOCS_INVALID_UTF8 naming the offset for Latin-1 bytes', () => {
    expect(() => extractor.parse({ id: 'l.md', content: cafe })).toThrow(
      expect.objectContaining({
        code: 'MX_DOCS_INVALID_UTF8',
        // "# Caf" is 5 bytes: é (0xE9) is at byte 5.
        message: expect.stringMatching(/document l\.md is not valid UTF-8 \(at byte 5\)/),
      }),
    )
  })

  it('decodes them with a charset parameter on the media type', () => {
    const mediaType = 'text/markdown; charset=windows-1252'
    const { metadata } = extract({ id: 'l.md', content: cafe, mediaType } as never)
    expect(metadata).toMatchObject({ title: 'Café', encoding: 'windows-1252' })
    const text = {
      id: 'l.txt',
      content: latin1('Caf\u00e9\n\nD\u00e9j\u00e0 vu.\n'),
      mediaType: 'text/plain; charset=latin1',
    }
    expect(extract(text as never).metadata).toMatchObject({
      title: 'Café',
      encoding: 'windows-1252',
    })
  })

  it('records utf-8 for UTF-8 bytes, a UTF-8 BOM and string content', () => {
    expect(info({ id: 'u.md', content: new Uint8Array(Buffer.from('# Café')) }).encoding).toBe(
      'utf-8',
    )
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('# Café')])
    expect(info({ id: 'u.md', content: bom }).encoding).toBe('utf-8')
    expect(extract({ id: 's.md', content: '# Café' }).metadata.encoding).toBe('utf-8')
  })
})

describe('--encoding', () => {
  it('is checked as an encoding label and given as its canonical name', () => {
    expect(parseCommandLine(['extract', '--encoding', 'latin1'])).toMatchObject({
      encoding: 'windows-1252',
    })
    expect(parseCommandLine(['extract', '--encoding', 'Shift_JIS'])).toMatchObject({
      encoding: 'shift_jis',
    })
    expect(parseCommandLine(['extract'])).toMatchObject({ encoding: undefined })
    for (const label of ['klingon', ''])
      expect(() => parseCommandLine(['extract', '--encoding', label])).toThrow(
        expect.objectContaining({
          name: 'UsageError',
          message: expect.stringContaining('--encoding must be an encoding label'),
        }),
      )
  })

  it('decodes a folder of Latin-1 Markdown end to end', async () => {
    const work = tempDir('mx-docs-encoding-')
    try {
      const docs = join(work.path, 'docs')
      mkdirSync(docs)
      writeFileSync(
        join(docs, 'cafe.md'),
        Buffer.from('# Caf\u00e9\n\nD\u00e9j\u00e0 vu.\n', 'latin1'),
      )
      const flags = ['--out', 'm.jsonl', '--report', 'r.html', '--no-cache', '--json']
      await runCli(['extract', docs, ...flags], work.path)
      const plain = readLines(join(work.path, 'm.jsonl')).documents.get('cafe.md')
      expect(plain).toMatchObject({ ok: false, error: { reason: 'MX_DOCS_INVALID_UTF8' } })
      const run = await runCli(['extract', docs, ...flags, '--encoding', 'latin1'], work.path)
      expect(run.code).toBe(0)
      const line = readLines(join(work.path, 'm.jsonl')).documents.get('cafe.md')
      expect(line).toMatchObject({
        ok: true,
        metadata: { title: 'Café', encoding: 'windows-1252' },
      })
    } finally {
      work.remove()
    }
  })
})
