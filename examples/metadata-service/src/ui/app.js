// The browser UI: a search page, a document page (title, outline, keywords, related documents)
// and a stats page, drawn from the JSON API. Routes live in the URL's hash.
const view = document.getElementById('view')
const form = document.getElementById('search')
const input = document.getElementById('q')

const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  for (const child of children) node.append(child)
  return node
}
const docLink = (id, title) => el('a', { href: `#/doc/${encodeURIComponent(id)}` }, title || id)

async function api(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } })
  if (!response.ok) {
    const body = await response.json().catch(() => ({}))
    throw new Error(body.message ?? `${response.status} ${response.statusText}`)
  }
  return response.json()
}

async function showSearch(q) {
  input.value = q
  view.replaceChildren(el('p', { class: 'muted' }, 'Loading…'))
  const list = el('ul', { class: 'results', 'data-testid': 'results' })
  const more = el('button', { type: 'button' }, 'More')
  const heading = el('h1', {}, q ? `Results for “${q}”` : 'All documents')
  view.replaceChildren(heading, list)
  let cursor
  const load = async () => {
    const params = new URLSearchParams({ limit: '20' })
    if (q) params.set('q', q)
    if (cursor) params.set('cursor', cursor)
    const page = await api(`/documents?${params}`)
    for (const item of page.items) {
      const meta = [item.format, item.lang, `${item.words} words`].filter(Boolean).join(' · ')
      list.append(
        el(
          'li',
          {},
          docLink(item.id, item.title),
          el('div', { class: 'meta' }, `${item.id} · ${meta}`),
        ),
      )
    }
    if (page.items.length === 0 && !cursor)
      list.append(el('li', { class: 'muted' }, 'No document matches.'))
    cursor = page.next
    if (cursor) view.append(more)
    else more.remove()
  }
  more.addEventListener('click', () => load().catch(showError))
  await load()
}

function outlineTree(outline) {
  const root = el('ul')
  const stack = [{ depth: 0, list: root }]
  for (const heading of outline) {
    while (stack.length > 1 && stack.at(-1).depth >= heading.depth) stack.pop()
    const item = el('li', {}, heading.text)
    stack.at(-1).list.append(item)
    const children = el('ul')
    item.append(children)
    stack.push({ depth: heading.depth, list: children })
  }
  return root
}

function relatedList(title, items, testid) {
  const section = el('section', { 'data-testid': testid }, el('h3', {}, title))
  if (items.length === 0) section.append(el('p', { class: 'muted' }, 'None.'))
  else
    section.append(el('ul', {}, ...items.map((item) => el('li', {}, docLink(item.id, item.title)))))
  return section
}

async function showDocument(id) {
  view.replaceChildren(el('p', { class: 'muted' }, 'Loading…'))
  const path = `/documents/${encodeURIComponent(id)}`
  const [doc, related] = await Promise.all([api(path), api(`${path}/related`)])
  document.title = `${doc.title} · mx metadata`
  view.replaceChildren(
    el('h1', { 'data-testid': 'title' }, doc.title),
    el(
      'p',
      { class: 'muted' },
      `${doc.id} · ${doc.format} · ${doc.lang ?? 'language unknown'} · ${doc.words} words · ${doc.reading_minutes} min`,
    ),
    ...(doc.description ? [el('p', {}, doc.description)] : []),
    el('h2', {}, 'Keywords'),
    el(
      'div',
      { class: 'keywords', 'data-testid': 'keywords' },
      ...doc.keywords.map((word) => el('span', {}, word)),
    ),
    el('h2', {}, 'Outline'),
    el('nav', { class: 'outline', 'data-testid': 'outline' }, outlineTree(doc.outline)),
    el('h2', {}, 'Related documents'),
    relatedList('Links to', related.links, 'links'),
    relatedList('Linked from', related.linkedFrom, 'linked-from'),
    relatedList('Near-duplicates', related.duplicates, 'duplicates'),
  )
}

async function showStats() {
  view.replaceChildren(el('p', { class: 'muted' }, 'Loading…'))
  const stats = await api('/stats')
  const table = (rows) =>
    el(
      'table',
      {},
      el('tr', {}, el('th', {}, 'name'), el('th', {}, 'documents')),
      ...rows.map((row) =>
        el('tr', {}, el('td', {}, row.name), el('td', {}, String(row.documents))),
      ),
    )
  view.replaceChildren(
    el('h1', {}, 'Stats'),
    el(
      'p',
      { 'data-testid': 'totals' },
      `${stats.documents} documents, ${stats.elements} elements, ${stats.words} words, ${stats.links} links, ${stats.duplicates} near-duplicate pairs`,
    ),
    el('h2', {}, 'By format'),
    table(stats.byFormat),
    el('h2', {}, 'By language'),
    table(stats.byLanguage),
  )
}

function showError(error) {
  view.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.message))
}

function route() {
  const hash = location.hash.slice(1) || '/'
  if (hash.startsWith('/doc/')) return showDocument(decodeURIComponent(hash.slice(5)))
  if (hash === '/stats') return showStats()
  const q = new URLSearchParams(hash.split('?')[1] ?? '').get('q') ?? ''
  return showSearch(q)
}

form.addEventListener('submit', (event) => {
  event.preventDefault()
  location.hash = `/?${new URLSearchParams({ q: input.value.trim() })}`
})
window.addEventListener('hashchange', () => route().catch(showError))
route().catch(showError)
