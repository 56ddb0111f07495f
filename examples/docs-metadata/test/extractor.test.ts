import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { extractInline as extract, extractor, loadFixture as load } from './helpers'

describe('parse (Markdown)', () => {
  it('splits a document into typed elements whose ids follow the section path', () => {
    const { elements } = extract(load('guide.md'))
    expect(elements.map((e: { id: string; type: string }) => `${e.type} ${e.id}`)).toEqual([
      // First, always: the document-info pseudo-element (encoding, front matter, warnings).
      'document #document',
      'heading install-guide#h',
      'image install-guide#img0',
      'image install-guide#img1',
      'paragraph install-guide#p0',
      'heading install-guide/usage#h',
      'paragraph install-guide/usage#p0',
      'code install-guide/usage#code0',
      'list-item install-guide/usage#li0',
      'list-item install-guide/usage#li1',
      'list-item install-guide/usage#li2',
      'quote install-guide/usage#quote0',
      'table install-guide/usage#table0',
      'heading install-guide/links#h',
      'paragraph install-guide/links#p0',
    ])
  })

  it('keeps the ids of other sections when a paragraph is added to one section', () => {
    const text = '# A\n\none\n\n## B\n\ntwo\n\n## C\n\nthree\n'
    const before = extractor.parse({ id: 'a.md', content: text })
    const after = extractor.parse({ id: 'a.md', content: text.replace('two\n', 'new\n\ntwo\n') })
    const ids = (els: { id: string }[]) => els.map((e) => e.id)
    expect(ids(after)).toEqual([...ids(before).slice(0, 5), 'a/b#p1', ...ids(before).slice(5)])
  })

  it('gives repeated headings distinct ids', () => {
    const els = extractor.parse({ id: 'a.md', content: '# A\n\n## Usage\n\nx\n\n## Usage\n\ny\n' })
    expect(els.map((e: { id: string }) => e.id)).toEqual([
      '#document',
      'a#h',
      'a/usage#h',
      'a/usage#p0',
      'a/usage-1#h',
      'a/usage-1#p0',
    ])
  })

  it('never repeats an id, even when a heading is literally named like a numbered repeat', () => {
    const els = extractor.parse({ id: 'a.md', content: '## Usage\n\n## Usage-1\n\n## Usage\n' })
    expect(els.map((e: { id: string }) => e.id)).toEqual([
      '#document',
      'usage#h',
      'usage-1#h',
      'usage-2#h',
    ])
  })

  it('turns an HTML block into elements and resolves reference links inside an element', () => {
    const content =
      '<p align="center"><img src="logo.png" alt="Logo"></p>\n\nSee [the docs][d].\n\n[d]: https://example.com/docs\n'
    const { elements, metas } = extract({ id: 'r.md', content })
    expect(elements.map((e: { type: string; format: string }) => `${e.type}/${e.format}`)).toEqual([
      'document/markdown',
      'image/html',
      'paragraph/markdown',
    ])
    expect(metas[1]?.images).toEqual([{ src: 'logo.png', alt: 'Logo' }])
    expect(metas[2]?.links).toEqual([{ href: 'https://example.com/docs', text: 'the docs' }])
  })
})

describe('parse (HTML and text)', () => {
  it('reads headings, paragraphs, list items, code, tables, quotes and images from HTML and skips scripts', () => {
    const { elements, metas } = extract(load('api/index.html'))
    expect(elements.map((e: { id: string; type: string }) => `${e.type} ${e.id}`)).toEqual([
      'document #document',
      'heading #title',
      'heading api-reference#h',
      'paragraph api-reference#p0',
      'heading api-reference/functions#h',
      'list-item api-reference/functions#li0',
      'list-item api-reference/functions#li1',
      'code api-reference/functions#code0',
      'table api-reference/functions#table0',
      'quote api-reference/functions#quote0',
      'image api-reference/functions#img0',
    ])
    expect(metas[0]).toEqual({ type: 'document', format: 'html', encoding: 'utf-8' })
    expect(metas[7]).toMatchObject({ type: 'code', lang: 'ts', lines: 1 })
    expect(metas[8]).toMatchObject({ type: 'table', columns: 2, rows: 2 })
    expect(metas[10]?.images).toEqual([
      { src: 'logo.png', alt: 'Thing logo', href: 'https://example.com/logo' },
    ])
    expect(JSON.stringify(metas)).not.toContain('not text')
  })

  it('finds headings, list items and indented code in plain text', () => {
    const { elements } = extract(load('notes.txt'))
    expect(elements.map((e: { type: string }) => e.type)).toEqual([
      'document',
      'heading',
      'paragraph',
      'list-item',
      'list-item',
      'code',
    ])
    expect(elements[5]).toMatchObject({ text: 'thing extract docs/' })
  })
})

describe('parse (content that is not text)', () => {
  it('throws MX_DOCS_INVALID_UTF8 naming the document and the offset of the bad byte', () => {
    expect(() => extractor.parse(load('broken/invalid-utf8.md'))).toThrow(
      expect.objectContaining({
        code: 'MX_DOCS_INVALID_UTF8',
        message: expect.stringMatching(
          /broken\/invalid-utf8\.md is not valid UTF-8 \(at byte 21\)/,
        ),
      }),
    )
  })

  it('throws MX_DOCS_BINARY for content with NUL bytes', () => {
    expect(() => extractor.parse(load('broken/binary.md'))).toThrow(
      expect.objectContaining({ code: 'MX_DOCS_BINARY' }),
    )
  })

  it('drops a byte order mark', () => {
    const els = extractor.parse({
      id: 'b.md',
      content: new Uint8Array([0xef, 0xbb, 0xbf, 0x23, 0x20, 0x48, 0x69]),
    })
    expect(els).toMatchObject([
      { type: 'document', encoding: 'utf-8' },
      { type: 'heading', depth: 1, source: 'Hi' },
    ])
  })
})

describe('element', () => {
  it('extracts text stats, links and entities through the regular expressions', () => {
    const [, meta] = extract({
      id: 'e.md',
      content:
        'Mail ops@example.org, see https://example.com/a. Fixed #12 and acme/app#3 in v2.0.0-beta.1 on 2025-01-31. Next: March 3, 2025.',
    }).metas
    expect(meta).toMatchObject({
      type: 'paragraph',
      sentences: 3,
      lines: 1,
      entities: {
        urls: ['https://example.com/a'],
        emails: ['ops@example.org'],
        versions: ['v2.0.0-beta.1'],
        dates: ['2025-01-31', 'March 3, 2025'],
        issues: ['#12', 'acme/app#3'],
      },
    })
    // `v2.0.0-beta.1`, `2025-01-31`, `#12` and `acme/app#3` are one word each; the address and
    // URL are not words.
    expect(meta).toMatchObject({ words: 14 })
  })

  it('does not take an IP address or a dotted path for a version', () => {
    const [, meta] = extract({
      id: 'v.md',
      content: 'Listen on 127.0.0.1.5 or read lib/1.2.3/x, not 1.2.3.4.',
    }).metas
    expect(meta).not.toHaveProperty('entities.versions')
  })

  it('detects the language of prose', () => {
    const french =
      'Ce paquet lit les documents de votre projet et écrit une ligne de métadonnées pour chaque document, avec le titre et les liens.'
    const english =
      'This package reads the documents of your project and writes one line of metadata for every document, with the title and links.'
    expect(extract({ id: 'f.md', content: french }).metas[1]).toMatchObject({ language: 'fra' })
    expect(extract({ id: 'g.md', content: english }).metas[1]).toMatchObject({ language: 'eng' })
  })

  it('returns a structured-clonable result that depends only on the element', () => {
    const doc = load('guide.md')
    const first = extract(doc).metas
    expect(structuredClone(first)).toEqual(first)
    expect(extract({ ...doc, id: 'other.md' }).metas).toEqual(first)
  })

  it('loads and runs in a worker thread', async () => {
    const worker = new Worker(
      `import(${JSON.stringify(new URL('../src/extractor.mjs', import.meta.url).href)}).then(async ({ default: x }) => {
        const { parentPort } = require('node:worker_threads')
        const [, el] = await x.parse({ id: 'w.md', content: '# Hello' })
        parentPort.postMessage(await x.element(el, { docId: 'w.md' }))
      })`,
      { eval: true },
    )
    const meta = await new Promise((resolve, reject) =>
      worker.once('message', resolve).once('error', reject),
    )
    await worker.terminate()
    expect(meta).toMatchObject({ type: 'heading', depth: 1, text: 'Hello', words: 1 })
  })
})
