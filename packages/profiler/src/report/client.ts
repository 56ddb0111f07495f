/**
 * The browser side of the report and the dashboard, as one classic script: it renders a
 * `ProfilerSnapshot` into tables and uPlot charts, and in live mode re-renders on every
 * Server-Sent Event. Data only reaches the DOM through `textContent` (no HTML injection).
 */
export const clientScript = `(function () {
  'use strict'
  // Live charts by container id; a chart whose series are unchanged only gets new data.
  var charts = {}
  var palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2']

  function fmt(value) {
    if (typeof value !== 'number' || !isFinite(value)) return String(value)
    if (value === 0) return '0'
    var abs = Math.abs(value)
    if (abs >= 1e6 || abs < 1e-3) return value.toExponential(3)
    return String(Number(value.toPrecision(4)))
  }
  function mb(bytes) { return bytes / 1048576 }
  function el(tag, text, attrs) {
    var node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (attrs) for (var key in attrs) node.setAttribute(key, attrs[key])
    return node
  }
  function cell(row, value, key) {
    var td = el('td', typeof value === 'number' ? fmt(value) : value)
    if (typeof value === 'number') td.setAttribute('data-value', String(value))
    if (key) td.setAttribute('data-key', key)
    row.appendChild(td)
  }
  function table(id, headers, rows) {
    var target = document.getElementById(id)
    target.textContent = ''
    if (!rows.length) { target.appendChild(el('p', 'nothing recorded yet', { class: 'empty' })); return }
    var t = el('table')
    var head = el('tr')
    headers.forEach(function (h) { head.appendChild(el('th', h[0])) })
    t.appendChild(head)
    rows.forEach(function (r) {
      var tr = el('tr', undefined, { 'data-name': r.__name })
      headers.forEach(function (h) { cell(tr, r[h[1]], h[1]) })
      t.appendChild(tr)
    })
    target.appendChild(t)
  }
  function labelText(labels) {
    var keys = Object.keys(labels || {})
    return keys.length ? '{' + keys.map(function (k) { return k + '="' + labels[k] + '"' }).join(',') + '}' : ''
  }
  function flatten(stages, out) {
    stages.forEach(function (s) { out.push(s); flatten(s.children, out) })
    return out
  }
  function chart(id, series, data, options) {
    var target = document.getElementById(id)
    var key = series.join('|') + '#' + ((options && options.key) || '')
    var existing = charts[id]
    var enough = data[0] && data[0].length >= ((options && options.minPoints) || 2)
    if (existing && existing.key === key && enough) {
      existing.plot.setData(data)
      return
    }
    if (existing) existing.plot.destroy()
    delete charts[id]
    target.textContent = ''
    if (!enough) {
      target.appendChild(el('p', 'waiting for more points', { class: 'empty' }))
      return
    }
    var opts = {
      width: Math.max(320, Math.min(900, target.clientWidth || 640)),
      height: 220,
      legend: { show: true },
      scales: (options && options.scales) || { x: { time: !(options && options.bars) } },
      axes: (options && options.axes) || [{}, { size: 60 }],
      series: [{}].concat(series.map(function (name, i) {
        var s = { label: name, stroke: palette[i % palette.length], width: 2 }
        if (options && options.bars) {
          s.fill = palette[i % palette.length] + '99'
          s.paths = uPlot.paths.bars({ size: [0.6, 80] })
          s.points = { show: false }
        }
        return s
      })),
    }
    charts[id] = { key: key, plot: new uPlot(opts, data, target) }
  }

  function render(snap) {
    document.getElementById('taken').textContent = new Date(snap.time).toISOString()
    var timeline = snap.timeline || []
    var xs = timeline.map(function (p) { return p.time / 1000 })

    // Throughput: per-second rate of the counters that moved the most.
    var keys = {}
    timeline.forEach(function (p) { for (var k in p.counters) keys[k] = p.counters[k] })
    var top = Object.keys(keys).sort(function (a, b) { return keys[b] - keys[a] }).slice(0, 6)
    var rates = top.map(function (k) {
      return timeline.map(function (p, i) {
        if (i === 0) return null
        var prev = timeline[i - 1]
        var dt = (p.time - prev.time) / 1000
        return dt > 0 ? ((p.counters[k] || 0) - (prev.counters[k] || 0)) / dt : null
      })
    })
    chart('chart-throughput', top.map(function (k) { return k + ' /s' }), [xs].concat(rates))

    // Latency per stage: overlaid p99 / p90 / p50 bars (tallest drawn first).
    var stages = flatten(snap.stages || [], [])
    var idx = stages.map(function (_, i) { return i })
    chart('chart-stages', ['p99 ms', 'p90 ms', 'p50 ms'],
      [idx, stages.map(function (s) { return s.p99 }), stages.map(function (s) { return s.p90 }), stages.map(function (s) { return s.p50 })],
      { bars: true, minPoints: 1, key: stages.map(function (s) { return s.path }).join('|'), scales: { x: { time: false, range: function () { return [-0.5, stages.length - 0.5] } } },
        axes: [{ values: function (u, splits) { return splits.map(function (v) { return stages[v] ? stages[v].path : '' }) }, splits: function () { return idx } }, { size: 60 }] })
    table('stages', [['stage', 'path'], ['count', 'count'], ['errors', 'errors'], ['p50 ms', 'p50'], ['p90 ms', 'p90'], ['p99 ms', 'p99'], ['max ms', 'maxMs'], ['total ms', 'totalMs'], ['self ms', 'selfMs']],
      stages.map(function (s) { return Object.assign({ __name: s.path }, s) }))

    // Hit ratio over time and now.
    var ratios = snap.hitRatios || []
    chart('chart-hit', ratios.map(function (r) { return r.name + ' hit ratio' }), [xs].concat(ratios.map(function (r) {
      return timeline.map(function (p) {
        var value = p.hitRatios ? p.hitRatios[r.name] : undefined
        return typeof value === 'number' ? value : null
      })
    })), { scales: { x: { time: true }, y: { range: [0, 1] } } })
    table('hit-ratios', [['name', 'name'], ['hits', 'hits'], ['misses', 'misses'], ['ratio', 'ratio']],
      ratios.map(function (r) { return Object.assign({ __name: r.name }, r) }))

    chart('chart-memory', ['heap used MB', 'rss MB'], [xs, timeline.map(function (p) { return mb(p.heapUsed) }), timeline.map(function (p) { return mb(p.rss) })])
    chart('chart-eventloop', ['event-loop delay p99 ms', 'utilization %'], [xs, timeline.map(function (p) { return p.eventLoopDelayP99Ms }), timeline.map(function (p) { return p.eventLoopUtilization * 100 })])

    var rt = snap.runtime
    var runtimeRows = []
    if (rt) {
      runtimeRows.push({ __name: 'heapUsed', name: 'heap used (bytes)', value: rt.memory.heapUsed })
      runtimeRows.push({ __name: 'rss', name: 'rss (bytes)', value: rt.memory.rss })
      runtimeRows.push({ __name: 'eventLoopDelayP99', name: 'event-loop delay p99 (ms)', value: rt.eventLoopDelay.p99Ms })
      runtimeRows.push({ __name: 'eventLoopUtilization', name: 'event-loop utilization', value: rt.eventLoopUtilization })
      for (var kind in rt.gc) runtimeRows.push({ __name: 'gc.' + kind, name: 'gc ' + kind + ' pauses (count / total ms)', value: rt.gc[kind].count + ' / ' + fmt(rt.gc[kind].totalMs) })
    }
    table('runtime', [['measure', 'name'], ['value', 'value']], runtimeRows)
    table('histograms', [['metric', 'id'], ['count', 'count'], ['mean', 'mean'], ['p50', 'p50'], ['p90', 'p90'], ['p99', 'p99'], ['max', 'max']],
      (snap.histograms || []).map(function (h) { var id = h.name + labelText(h.labels); return Object.assign({ __name: id, id: id }, h) }))
    table('counters', [['metric', 'id'], ['kind', 'kind'], ['value', 'value']],
      (snap.counters || []).map(function (c) { var id = c.name + labelText(c.labels); return { __name: id, id: id, kind: 'counter', value: c.value } })
        .concat((snap.gauges || []).map(function (g) { var id = g.name + labelText(g.labels); return { __name: id, id: id, kind: 'gauge', value: g.value } })))
    window.__mxRendered = { time: snap.time, charts: Object.keys(charts).length }
    document.body.setAttribute('data-rendered', String(snap.time))
  }

  var initial = document.getElementById('mx-snapshot')
  if (initial) render(JSON.parse(initial.textContent))
  var live = document.body.getAttribute('data-events')
  if (live && window.EventSource) {
    var source = new EventSource(live)
    source.onmessage = function (event) { render(JSON.parse(event.data)) }
  }
})()
`
