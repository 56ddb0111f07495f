#!/usr/bin/env node
// An independent counter for the quality set's expectations: it shares no code with the
// extractor (no marked, no htmlparser2, no franc). It strips markup with a few regular
// expressions written for the documents of this set, then counts words of the visible text:
// every Han, hiragana and katakana character is one word (字数, as Microsoft Word and Google Docs
// count Chinese and Japanese); the rest of the text, broken at those characters and at CJK
// punctuation, counts whitespace-separated tokens that hold a letter or a digit, leaving out URLs
// and e-mail addresses written as text (README.md). Its output is a draft: expected.json is
// written from reading the documents, with this count as the arithmetic.
//
//   node test/quality/count.mjs FILE [--encoding NAME] [--text | --tokens]
//
// prints the visible text it counted (with --tokens, one word a line), the word count, the
// headings and the links it found.
import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import iconv from 'iconv-lite'

/**
 * A character that is a word of its own: Han (with 々 〆 〇), hiragana, katakana (half-width
 * too), and the prolonged sound marks ー ｰ (Unicode puts those two in no script of their own).
 */
const cjkCharacter = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC\uFF70]/u
/**
 * CJK punctuation and symbols, a break like a space and never a word: the CJK Symbols and
 * Punctuation block (。、「」『』【】〜 and the ideographic space; its 々 〆 〇 are Han and
 * matched first), ・ and the voiced sound marks, the full-width and half-width forms of
 * punctuation (，！？：；（）).
 */
const cjkPunctuation =
  /[\u3000-\u303F\u309B\u309C\u30FB\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65]/u
const cjkAny = new RegExp(`${cjkCharacter.source}|${cjkPunctuation.source}`, 'u')
const letterOrDigit = /[\p{L}\p{N}]/u

/** A token that is a URL or an e-mail address written out (not a word). */
export function isAddress(token) {
  const t = token.replace(/^[\s"'`(<[{«“‘]+|[\s"'`)>\]}»”’.,;:!?]+$/gu, '')
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ||
    /^mailto:/i.test(t) ||
    /^[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$/i.test(t) ||
    // an scp-like git address: git@github.com:npm/cli.git
    /^[\w.-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}:\S/i.test(t)
  )
}

/**
 * Words of visible text, in order: each Han/kana character one word; between them and CJK
 * punctuation, whitespace tokens with a letter or digit that are no address (`KumoCLI`, `2024`,
 * `Node.js`, `v2.0.0`).
 */
export function wordsOf(text) {
  const words = []
  const other = (token) => {
    if (letterOrDigit.test(token) && !isAddress(token)) words.push(token)
  }
  for (const token of text.split(/\s+/)) {
    if (!cjkAny.test(token)) {
      other(token)
      continue
    }
    // `2024年` is 2024 + 年; `（Node.js）` is Node.js; `Windows、macOS` is two words.
    let run = ''
    for (const c of token) {
      if (cjkCharacter.test(c) || cjkPunctuation.test(c)) {
        other(run)
        run = ''
        if (cjkCharacter.test(c)) words.push(c)
      } else run += c
    }
    other(run)
  }
  return words
}

const entities = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  copy: '©',
  reg: '®',
  mdash: '—',
  ndash: '–',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  szlig: 'ß',
  middot: '·',
  para: '¶',
  rsaquo: '›',
  lsaquo: '‹',
  sect: '§',
  bull: '•',
  euro: '€',
  times: '×',
}
export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (all, name) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X'
          ? Number.parseInt(name.slice(2), 16)
          : Number(name.slice(1)),
      )
    return entities[name.toLowerCase()] ?? all
  })
}

const collapse = (text) => text.replace(/\s+/g, ' ').trim()

// ---------------------------------------------------------------- Markdown

/**
 * @param {string} source
 * @returns {{ frontMatter: string | null, text: string, headings: { depth: number, text: string }[], links: string[] }}
 */
export function analyzeMarkdown(source) {
  let s = source.replace(/\r\n?/g, '\n')
  let frontMatter = null
  const fm = /^(---|\+\+\+)\n([\s\S]*?)\n\1[ \t]*(?:\n|$)/.exec(s)
  if (fm) {
    frontMatter = fm[2]
    s = s.slice(fm[0].length)
  }
  // Fenced code blocks (also inside list items): not words.
  s = s.replace(
    /^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n[ \t]*\2[`~]*[ \t]*(?=\n|(?![\s\S]))|(?![\s\S]))/gm,
    '\n',
  )
  s = s.replace(/<!--[\s\S]*?-->/g, ' ')
  // Link reference definitions.
  const labels = new Map()
  s = s.replace(
    /^ {0,3}\[([^\]]+)\]:[ \t]*(\S+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$/gm,
    (_, label, href) => {
      labels.set(label.toLowerCase(), href)
      return ''
    },
  )
  // Code spans keep their text as is: shield it from the link and tag rules below.
  const spans = []
  s = s.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_, _ticks, code) => {
    spans.push(code.trim())
    return `\uE001${spans.length - 1}\uE002`
  })
  /** @type {Array<{ depth: number, source: string, text?: string }>} */
  const headings = []
  const lines = s.split('\n')
  const out = []
  // Indented code: 4+ spaces after a blank line, outside a list.
  let inList = false
  let inCode = false
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const blankBefore = i === 0 || lines[i - 1].trim() === ''
    if (line.trim() === '') {
      out.push(line)
      continue
    }
    if (/^\s*(?:[-*+]|\d+[.)])\s/.test(line)) inList = true
    else if (!/^\s/.test(line)) inList = false
    if (/^(?: {4}|\t)/.test(line) && (inCode || (blankBefore && !inList))) {
      inCode = true
      out.push('')
      continue
    }
    inCode = false
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line)
    if (atx) {
      headings.push({ depth: atx[1].length, source: atx[2] ?? '' })
      out.push(atx[2] ?? '')
      continue
    }
    const next = lines[i + 1]
    if (
      next !== undefined &&
      line.trim() !== '' &&
      !/^\s*(?:[-*+]|\d+[.)])\s/.test(line) &&
      !/^\s*>/.test(line) &&
      (/^ {0,3}=+[ \t]*$/.test(next) ||
        (/^ {0,3}-+[ \t]*$/.test(next) && !/^ {0,3}-+\s*$/.test(line)))
    ) {
      headings.push({ depth: next.trim()[0] === '=' ? 1 : 2, source: line.trim() })
      out.push(line)
      i++
      continue
    }
    out.push(line)
  }
  s = out.join('\n')
  const links = []
  const inline = (text, { alt }) => {
    let t = text
    // Images: their alt text (in a heading nothing: an image is not displayed text).
    t = t.replace(/!\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+"[^"]*")?\)/g, (_, a) =>
      alt ? ` ${a} ` : '',
    )
    t = t.replace(/!\[([^\]]*)\]\[([^\]]*)\]/g, (_, a) => (alt ? ` ${a} ` : ''))
    // Inline links, innermost first.
    t = t.replace(/\[([^[\]]*)\]\(((?:[^()\s]|\([^)]*\))*)(?:\s+"[^"]*")?\)/g, (_, text, href) => {
      links.push(href)
      return text
    })
    // Full, collapsed and shortcut reference links whose label is defined.
    t = t.replace(/\[([^[\]]*)\]\[([^[\]]*)\]/g, (all, text, label) => {
      const href = labels.get((label || text).toLowerCase())
      if (href === undefined) return all
      links.push(href)
      return text
    })
    t = t.replace(/\[([^[\]]+)\](?![([:])/g, (all, text) => {
      const href = labels.get(text.toLowerCase())
      if (href === undefined) return all
      links.push(href)
      return text
    })
    // Autolinks <https://...>, <a@b.c>; GFM bare URLs.
    // (The address is kept as text, shielded from the bare-URL rule by \uE003 for `:`.)
    t = t.replace(/<((?:https?|ftp|mailto):[^>\s]+|[^>@\s]+@[^>\s]+\.[a-z]+)>/gi, (_, href) => {
      links.push(href)
      return ` ${href.replace(':', '\uE003').replace('@', '\uE004')} `
    })
    // GFM extended autolinks (spec 0.29 §6.9): a URL after whitespace, ( * _ ~ or a line start;
    // an e-mail address (the domain holds a dot and does not end in - or _).
    t = t.replace(
      /(^|[\s(*_~])((?:https?:\/\/|www\.)[^\s<]*[^\s<.,;:!?"')*_~\]])/gm,
      (_, pre, href) => {
        links.push(href)
        return `${pre}${href.replace(':', '\uE003')}`
      },
    )
    t = t.replace(/(^|[^\w.+@-])([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g, (all, pre, address) => {
      if (/[-_]$/.test(address) || /\uE001/.test(address)) return all
      links.push(`mailto:${address}`)
      return `${pre}${address}`
    })
    t = t.replace(/\uE003/g, ':').replace(/\uE004/g, '@')
    // Raw HTML inline: <a href> is a link, an <img>'s alt is text, other tags are not text.
    t = t.replace(/<a\b[^>]*\bhref\s*=[^>]*>/gi, (tag) => {
      links.push(tag)
      return ''
    })
    t = t.replace(/<img\b[^>]*>/gi, (tag) =>
      alt ? ` ${/\balt\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? ''} ` : '',
    )
    t = t.replace(/<\/?[a-z][^>]*>/gi, '')
    t = t.replace(/\\([!-/:-@[-`{-~])/g, '$1')
    return t
  }
  const headingLinks = links.length
  for (const h of headings)
    h.text = restore(
      collapse(decodeEntities(inline(h.source, { alt: false }))).replace(
        /(^|\s)[*_~]+|[*_~]+(?=\s|$)/g,
        '$1',
      ),
      spans,
    )
  // The outline pass collected heading links: count links once, from the body pass below.
  links.length = headingLinks
  let body = inline(s, { alt: true })
  // Block markers: list bullets and numbers, task boxes, quote marks.
  body = body.replace(/^[ \t>]*(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm, ' ')
  body = body.replace(/^[ \t]*>+/gm, ' ')
  const text = restore(decodeEntities(body), spans)
  return {
    frontMatter,
    text,
    headings: headings.map(({ depth, text = '' }) => ({
      depth,
      text: text.replace(/\*\*|__/g, ''),
    })),
    links,
  }
}

function restore(text, spans) {
  return text.replace(/\uE001(\d+)\uE002/g, (_, i) => spans[Number(i)])
}

// ---------------------------------------------------------------- plain text

/**
 * Plain text is its own visible text, less the markers of list items (a block of two or more
 * lines that starts with `- `, `* `, `• ` or `1. `): a lone `1. Title` line is a numbered heading
 * and keeps its number.
 */
export function analyzeText(source) {
  const blocks = source.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)
  const marker = /^(\s*)(?:[-*+•]|\d+[.)])[ \t]+/
  const text = blocks
    .map((block) => {
      const lines = block.replace(/^\n+|\n+$/g, '').split('\n')
      if (lines.length < 2 || !marker.test(lines[0])) return block
      return lines.map((line) => line.replace(marker, '$1')).join('\n')
    })
    .join('\n\n')
  return { title: null, text, headings: [], links: [] }
}

// ---------------------------------------------------------------- HTML

const inlineTags =
  'a|abbr|acronym|b|big|cite|code|em|font|i|kbd|q|s|samp|small|span|strike|strong|sub|sup|tt|u|var|mark|time|bdi|bdo'

/** @param {string} html decoded text */
export function analyzeHtml(html) {
  let s = html.replace(/\r\n?/g, '\n')
  const title = /<title\b[^>]*>([\s\S]*?)<\/title>/i.exec(s)?.[1]
  s = s.replace(/<!--[\s\S]*?-->/g, ' ')
  s = s.replace(/<head\b[\s\S]*?<\/head>/gi, ' ')
  s = s.replace(/<(script|style|noscript|template|svg|title)\b[\s\S]*?<\/\1>/gi, ' ')
  s = s.replace(/<pre\b[\s\S]*?<\/pre>/gi, ' ')
  const links = [...s.matchAll(/<a\b[^>]*\bhref\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)[^>]*>/gi)].map(
    (m) => m[1],
  )
  const headings = [...s.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi)].map((m) => ({
    depth: Number(m[1]),
    text: collapse(decodeEntities(m[2].replace(/<[^>]*>/g, ''))),
  }))
  s = s.replace(/<img\b[^>]*>/gi, (tag) => ` ${/\balt\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? ''} `)
  s = s.replace(new RegExp(`</?(?:${inlineTags})\\b[^>]*>`, 'gi'), '')
  s = s.replace(/<[^>]*>/g, ' ')
  return {
    title: title === undefined ? null : collapse(decodeEntities(title)),
    text: decodeEntities(s),
    headings,
    links,
  }
}

/** The charset an HTML document declares in a <meta>, as a WHATWG label. */
export function declaredCharset(bytes) {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1')
  return /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1]?.toLowerCase() ?? null
}

// ---------------------------------------------------------------- CLI

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, ...flags] = process.argv.slice(2)
  const bytes = readFileSync(file)
  const flag = (name) => {
    const i = flags.indexOf(name)
    return i === -1 ? undefined : (flags[i + 1] ?? true)
  }
  const ext = extname(file).toLowerCase()
  const charset = flag('--encoding') ?? (ext === '.html' ? declaredCharset(bytes) : null) ?? 'utf-8'
  // iconv-lite, not TextDecoder: Node 20's TextDecoder reads windows-1252 as ISO-8859-1.
  const label = charset === 'iso-8859-1' ? 'windows-1252' : charset
  const decoded = iconv.decode(bytes, label)
  const result =
    ext === '.md'
      ? analyzeMarkdown(decoded)
      : ext === '.html'
        ? analyzeHtml(decoded)
        : analyzeText(decoded)
  const words = wordsOf(result.text)
  if (flag('--tokens')) console.log(words.join('\n'))
  else if (flag('--text')) console.log(result.text.replace(/\n\s*\n+/g, '\n\n'))
  console.log(
    JSON.stringify(
      {
        charset,
        title: 'title' in result ? result.title : undefined,
        words: words.length,
        headings: result.headings,
        links: result.links.length,
      },
      null,
      1,
    ),
  )
}
