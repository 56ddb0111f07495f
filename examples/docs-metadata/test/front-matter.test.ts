import { describe, expect, it } from 'vitest'
import { extractInline as extract, extractor } from './helpers'

const ids = (content: string) =>
  (extractor.parse({ id: 'doc.md', content }) as { id: string }[]).map((e) => e.id)

const body = '# Guide\n\nThing parses documents.\n\n## Usage\n\nRun it.\n'

describe('front matter (YAML)', () => {
  const yaml = [
    '---',
    'title: The real title',
    'summary: What the page is about.',
    'tags: [docs, cli]',
    'keywords: cli, extract',
    'date: 2024-05-01',
    'lastmod: 2024-06-02T10:30:00Z',
    'authors:',
    '  - Ada Lovelace',
    '  - name: Grace Hopper',
    '    email: grace@example.com',
    'weight: 10',
    'draft: false',
    'params: { toc: true, since: 2023-01-15 }',
    '---',
    '',
  ].join('\n')

  it('maps its fields to the metadata, the rest to frontMatter, and beats the headings', () => {
    const { metadata } = extract({ id: 'doc.md', content: yaml + body })
    expect(metadata).toMatchObject({
      title: 'The real title',
      description: 'What the page is about.',
      format: 'markdown',
      encoding: 'utf-8',
      tags: ['docs', 'cli', 'extract'],
      date: '2024-05-01',
      updated: '2024-06-02T10:30:00.000Z',
      authors: ['Ada Lovelace', 'Grace Hopper'],
      // JSON-safe: a nested YAML date is an ISO string too.
      frontMatter: { weight: 10, draft: false, params: { toc: true, since: '2023-01-15' } },
    })
    expect(metadata.warnings).toBeUndefined()
    // New fields come after format, the old order is kept.
    expect(Object.keys(metadata).slice(0, 10)).toEqual([
      'title',
      'description',
      'format',
      'encoding',
      'tags',
      'date',
      'updated',
      'authors',
      'frontMatter',
      'language',
    ])
    // The block is no element: the counts are the body's.
    expect(metadata.counts).toMatchObject({ elements: 4, headings: 2, paragraphs: 2 })
    expect(metadata.outline.map((h: { text: string }) => h.text)).toEqual(['Guide', 'Usage'])
  })

  it('leaves element ids exactly as without front matter', () => {
    expect(ids(yaml + body)).toEqual(ids(body))
    expect(ids(`---\ntitle: x\n...\n${body}`)).toEqual(ids(body))
    // A BOM before the fence, CRLF line ends.
    expect(ids(`\ufeff---\r\ntitle: x\r\n---\r\n${body}`)).toEqual(ids(body))
  })

  it('takes the title of the npm-access page from its front matter', () => {
    const content =
      '---\ntitle: npm-access\nsection: 1\ndescription: Set access level on published packages\n---\n\n### Synopsis\n\n```bash\nnpm access list packages [<user>|<scope>|<scope:team>] [<package>]\n```\n\n### Description\n\nUsed to set access controls on private packages.\n'
    const { elements, metadata } = extract({ id: 'npm-access.md', content })
    expect(metadata).toMatchObject({
      title: 'npm-access',
      description: 'Set access level on published packages',
      frontMatter: { section: 1 },
    })
    // Never a setext heading or a paragraph.
    expect(elements.map((e: { id: string }) => e.id)).toEqual([
      '#document',
      'synopsis#h',
      'synopsis#code0',
      'description#h',
      'description#p0',
    ])
    expect(metadata.outline.map((h: { text: string }) => h.text)).toEqual([
      'Synopsis',
      'Description',
    ])
  })

  it('turns a malformed block into a warning naming the line, drops it, and extracts the rest', () => {
    const content = `---\ntitle: Fine\nlist: [a, b\nother: 1\n---\n${body}`
    const { metadata } = extract({ id: 'doc.md', content })
    expect(metadata.warnings).toEqual([
      {
        code: 'MX_DOCS_FRONT_MATTER',
        message: expect.stringMatching(/^YAML front matter at line \d/),
      },
    ])
    expect(metadata.title).toBe('Guide')
    expect(metadata.frontMatter).toBeUndefined()
    expect(ids(content)).toEqual(ids(body))
    const duplicate = extract({ id: 'doc.md', content: `---\na: 1\na: 2\n---\n${body}` }).metadata
    expect(duplicate.warnings?.[0]?.message).toBe(
      'YAML front matter at line 3: Map keys must be unique',
    )
  })

  it('warns about a block that is not a mapping, and says nothing about an empty one', () => {
    const scalar = extract({ id: 'doc.md', content: `---\njust words\n---\n${body}` }).metadata
    expect(scalar.warnings).toEqual([
      {
        code: 'MX_DOCS_FRONT_MATTER',
        message: 'YAML front matter at line 2 is a string, not a mapping of keys to values',
      },
    ])
    expect(scalar.title).toBe('Guide')
    const empty = extract({ id: 'doc.md', content: `---\n---\n${body}` }).metadata
    expect(empty.warnings).toBeUndefined()
    expect(empty.frontMatter).toBeUndefined()
    expect(empty.title).toBe('Guide')
  })

  it('is only at the very start, and only with a closing fence', () => {
    // A thematic break later in the file.
    const later = `# Guide\n\nText.\n\n---\n\ntitle: not front matter\n\n---\n`
    const { elements, metadata } = extract({ id: 'doc.md', content: later })
    expect(metadata.frontMatter).toBeUndefined()
    expect(metadata.counts.paragraphs).toBe(2)
    expect(elements.some((e: { source?: string }) => e.source === 'title: not front matter')).toBe(
      true,
    )
    // A file starting with a thematic break that is never closed: read as today.
    const unclosed = '---\n\n# Guide\n\nText.\n'
    expect(extract({ id: 'doc.md', content: unclosed }).metadata).toMatchObject({
      title: 'Guide',
      counts: { elements: 2 },
    })
    expect(extract({ id: 'doc.md', content: unclosed }).metadata.warnings).toBeUndefined()
  })
})

describe('front matter (TOML)', () => {
  it('maps its fields the same way, dates as written', () => {
    const toml = [
      '+++',
      'title = "TOML page"',
      'description = "Hugo style."',
      'categories = ["guides"]',
      'publishDate = 2024-05-01',
      'lastmod = 2024-06-02T10:30:00+02:00',
      'author = "Ada Lovelace"',
      '[extra]',
      'toc = true',
      '+++',
      '',
    ].join('\n')
    const { metadata } = extract({ id: 'doc.md', content: toml + body })
    expect(metadata).toMatchObject({
      title: 'TOML page',
      description: 'Hugo style.',
      tags: ['guides'],
      date: '2024-05-01',
      updated: '2024-06-02T10:30:00.000+02:00',
      authors: ['Ada Lovelace'],
      frontMatter: { extra: { toc: true } },
    })
    expect(ids(toml + body)).toEqual(ids(body))
  })

  it('turns a TOML syntax error into a warning naming the line', () => {
    const content = `+++\ntitle = "x"\nbroken =\n+++\n${body}`
    const { metadata } = extract({ id: 'doc.md', content })
    expect(metadata.warnings).toEqual([
      {
        code: 'MX_DOCS_FRONT_MATTER',
        message: expect.stringMatching(/^TOML front matter at line 3: /),
      },
    ])
    expect(metadata.title).toBe('Guide')
    expect(ids(content)).toEqual(ids(body))
  })
})

describe('HTML <meta> tags', () => {
  it('fill the description, tags and authors', () => {
    const html =
      '<html><head><title>Page</title><meta name="Description" content="From the head.">' +
      '<meta name=keywords content="a, b, a"><meta name="author" content="Ada Lovelace"></head>' +
      '<body><h1>Page</h1><p>The body text.</p></body></html>'
    const { metadata } = extract({ id: 'page.html', content: html })
    expect(metadata).toMatchObject({
      title: 'Page',
      description: 'From the head.',
      tags: ['a', 'b'],
      authors: ['Ada Lovelace'],
    })
    expect(metadata.frontMatter).toBeUndefined()
    expect(metadata.counts.elements).toBe(3)
  })
})
