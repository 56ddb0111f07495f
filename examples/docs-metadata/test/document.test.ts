import { describe, expect, it } from 'vitest'
import { expected } from './expected-metadata'
import { extractInline, extractor, loadFixture } from './helpers'

describe('document', () => {
  it('reduces a Markdown document to its metadata', () => {
    const { metadata } = extractInline(loadFixture('guide.md'))
    // The same fixture the CLI test checks field by field.
    expect(metadata).toMatchObject(expected['guide.md'])
    expect(metadata.words).toBeGreaterThan(50)
    // Code blocks and URLs are not counted: "Thing", "npm i thing", "acme/thing#7", "Thing never".
    expect(metadata.terms.thing).toBe(4)
    // 32 uint32 MinHash values, base64-encoded.
    expect(Buffer.from(metadata.signature ?? '', 'base64')).toHaveLength(128)
  })

  it('takes an HTML title from <title> and keeps it out of the outline', () => {
    const { metadata } = extractInline(loadFixture('api/index.html'))
    expect(metadata).toMatchObject({
      title: 'Thing API',
      description: 'The guide explains installation. This page lists every function.',
      format: 'html',
      outline: [
        { id: 'api-reference#h', depth: 1, text: 'API reference' },
        { id: 'api-reference/functions#h', depth: 2, text: 'Functions' },
      ],
      counts: {
        headings: 2,
        listItems: 2,
        codeBlocks: 1,
        tables: 1,
        quotes: 1,
        links: 2,
        images: 1,
      },
      codeLanguages: ['ts'],
      links: ['../guide.md', 'https://example.com/logo'],
    })
  })

  it('counts words and reading time over every element', () => {
    const paragraph = `${'word '.repeat(300).trim()}.`
    const { metadata } = extractInline({
      id: 'long.md',
      content: `# Long\n\n${paragraph}\n\n${paragraph}\n`,
    })
    expect(metadata.words).toBe(601)
    expect(metadata.readingMinutes).toBe(3)
  })

  it('has no title, description or language for an empty document', () => {
    const { metadata } = extractInline({ id: 'empty.md', content: '' })
    expect(metadata).toMatchObject({
      title: null,
      description: null,
      language: null,
      words: 0,
      readingMinutes: 0,
      signature: null,
    })
    expect(metadata.counts.elements).toBe(0)
  })
})

describe('relate', () => {
  const ids = ['guide.md', 'CHANGELOG.md', 'notes.txt', 'api/index.html']
  const docs = ids.map((id) => ({ id, metadata: extractInline(loadFixture(id)).metadata }))

  it('resolves relative links to documents of the corpus', () => {
    const { links } = extractor.relate(docs)
    expect(links).toEqual([
      { from: 'guide.md', to: 'api/index.html', href: './api/index.html' },
      { from: 'guide.md', to: 'notes.txt', href: 'notes.txt' },
      { from: 'guide.md', to: 'CHANGELOG.md', href: './CHANGELOG.md' },
      { from: 'api/index.html', to: 'guide.md', href: '../guide.md' },
    ])
  })

  it('nests each outline into a section tree', () => {
    const { sections } = extractor.relate(docs)
    expect(sections['CHANGELOG.md']).toEqual([
      {
        id: 'changelog#h',
        text: 'Changelog',
        depth: 1,
        children: [
          { id: 'changelog/123-2024-05-01#h', text: '1.2.3 (2024-05-01)', depth: 2, children: [] },
          { id: 'changelog/122-2024-04-02#h', text: '1.2.2 (2024-04-02)', depth: 2, children: [] },
        ],
      },
    ])
  })

  it('ranks keywords by TF-IDF: words frequent in one document and rare in the others', () => {
    const { keywords } = extractor.relate(docs)
    // "install" is twice in the guide and nowhere else; "thing" is more frequent but in 3 of 4 documents.
    expect(keywords['guide.md']?.slice(0, 3)).toContain('install')
    expect(keywords['guide.md']).not.toContain('thing')
    // "folder" is the changelog's most frequent term but also in two other documents.
    expect(keywords['CHANGELOG.md']?.[0]).toBe('faster')
    expect(keywords['CHANGELOG.md']).not.toContain('folder')
    for (const id of ids) expect(keywords[id]?.length).toBeLessThanOrEqual(8)
  })

  it('finds near-duplicate documents by MinHash and not unrelated ones', () => {
    const guide = loadFixture('guide.md')
    const text = new TextDecoder().decode(guide.content).replace('quickly', 'very quickly')
    const copy = {
      id: 'copy/guide.md',
      metadata: extractInline({ id: 'copy/guide.md', content: text }).metadata,
    }
    const { duplicates } = extractor.relate([...docs, copy])
    expect(duplicates).toHaveLength(1)
    expect(duplicates[0]).toMatchObject({ a: 'guide.md', b: 'copy/guide.md' })
    expect(duplicates[0]?.similarity).toBeGreaterThan(0.8)
  })
})
