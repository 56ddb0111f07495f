import { unitsScript } from './units'

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
${unitsScript}
  function el(tag, text, attrs) {
    var node = document.createElement(tag)
    if (text !== undefined) node.textContent = text
    if (attrs) for (var key in attrs) node.setAttribute(key, attrs[key])
    return node
  }
  function cell(row, value, key, format) {
    var td = el('td', typeof value === 'number' ? format(value) : value)
    if (typeof value === 'number') td.setAttribute('data-value', String(value))
    if (key) td.setAttribute('data-key', key)
    row.appendChild(td)
  }
  // headers: [title, key, format?]; a format is called with the value and its row.
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
      headers.forEach(function (h) { cell(tr, r[h[1]], h[1], h[2] ? function (v) { return h[2](v, r) } : plain) })
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
  // Legend text: the value under the cursor, else the latest one or \`idle(data)\` (uPlot would show "--").
  function legendValue(format, idle) {
    return function (u, value, sidx, idx) {
      var data = u.data[sidx]
      if (idx == null && idle) return idle(data)
      if (idx == null) for (var i = data.length - 1; i >= 0 && value == null; i--) value = data[i]
      return value == null ? '' : format(value)
    }
  }
  function clock(seconds) { return new Date(seconds * 1000).toLocaleTimeString() }
  // A y axis whose tick labels carry their unit; side 3 is left, 1 right (no second grid).
  function axis(scale, label, side) {
    return { scale: scale, side: side || 3, size: 70, grid: { show: side !== 1 },
      values: function (u, splits) { return splits.map(label) } }
  }
  // The run's mean rate, shown when the cursor is off the chart (the last rate is often 0).
  function average(rates) {
    var known = rates.filter(function (v) { return v != null })
    return known.length ? 'avg ' + rate(known.reduce(function (a, b) { return a + b }, 0) / known.length) : ''
  }
  function peak(values) { return values.reduce(function (m, v) { return v != null && v > m ? v : m }, 0) }
  function scaled(values, size) { return values.map(function (v) { return v == null ? null : v / size }) }

  // series: [{ label, format, scale?, idle? }]; options: { bars, minPoints, key, scales, axes }.
  function chart(id, series, data, options) {
    options = options || {}
    var target = document.getElementById(id)
    var key = series.map(function (s) { return s.label + '@' + (s.scale || 'y') }).join('|') + '#' + (options.key || '')
    var existing = charts[id]
    var enough = data[0] && data[0].length >= (options.minPoints || 2)
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
      // A bar chart's legend names the bars; its numbers are in the table below.
      legend: { show: true, live: !options.bars },
      scales: options.scales || { x: { time: true } },
      axes: options.axes || [{}, { size: 70 }],
      series: [options.bars ? { label: 'stage' } : { label: 'time', value: legendValue(clock) }].concat(series.map(function (s, i) {
        var out = { label: s.label, scale: s.scale || 'y', stroke: palette[i % palette.length], width: 2, value: legendValue(s.format, s.idle) }
        if (options.bars) {
          out.fill = palette[i % palette.length] + '99'
          out.paths = uPlot.paths.bars({ size: [0.6, 80] })
          out.points = { show: false }
        }
        return out
      })),
    }
    charts[id] = { key: key, plot: new uPlot(opts, data, target) }
  }

  // Per-second rates of the counters that moved the most. A series 10× below the busiest goes
  // on its own axis on the right, so documents/s is not flat against elements/s.
  function throughput(timeline, xs) {
    var totals = {}
    timeline.forEach(function (p) { for (var k in p.counters) totals[k] = p.counters[k] })
    var top = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a] }).slice(0, 6)
    var rates = top.map(function (k) {
      return timeline.map(function (p, i) {
        if (i === 0) return null
        var prev = timeline[i - 1]
        var dt = (p.time - prev.time) / 1000
        return dt > 0 ? ((p.counters[k] || 0) - (prev.counters[k] || 0)) / dt : null
      })
    })
    var peaks = rates.map(peak)
    var busiest = peak(peaks)
    var right = function (i) { return peaks[i] > 0 && peaks[i] * 10 < busiest }
    var series = top.map(function (k, i) { return { label: k + (right(i) ? ' /s (right axis)' : ' /s'), scale: right(i) ? 'small' : 'y', format: rate, idle: average } })
    var axes = [{}, axis('y', rate)]
    if (series.some(function (s) { return s.scale === 'small' })) axes.push(axis('small', rate, 1))
    chart('chart-throughput', series, [xs].concat(rates), { axes: axes, scales: { x: { time: true }, y: { auto: true }, small: { auto: true } } })
  }

  // Latency per stage: overlaid p99 / p90 / p50 bars (tallest drawn first), in one duration unit.
  function latency(stages) {
    var idx = stages.map(function (_, i) { return i })
    var unit = axisUnit(stages.map(function (s) { return s.p99 }), msUnits)
    var pick = function (q) { return scaled(stages.map(function (s) { return s[q] }), unit[0]) }
    var inUnit = function (v) { return duration(v * unit[0]) }
    chart('chart-stages', ['p99', 'p90', 'p50'].map(function (q) { return { label: q, format: inUnit } }),
      [idx, pick('p99'), pick('p90'), pick('p50')],
      { bars: true, minPoints: 1, key: stages.map(function (s) { return s.path }).join('|') + unit[1], scales: { x: { time: false, range: function () { return [-0.5, stages.length - 0.5] } } },
        axes: [{ values: function (u, splits) { return splits.map(function (v) { return stages[v] ? stages[v].path : '' }) }, splits: function () { return idx } }, axis('y', function (v) { return short(v) + ' ' + unit[1] })] })
  }

  function runtimeCharts(timeline, xs) {
    var heap = timeline.map(function (p) { return p.heapUsed })
    var rss = timeline.map(function (p) { return p.rss })
    var mem = axisUnit(rss.concat(heap), byteUnits)
    var memFormat = function (v) { return bytes(v * mem[0]) }
    chart('chart-memory', [{ label: 'heap used', format: memFormat }, { label: 'rss', format: memFormat }],
      [xs, scaled(heap, mem[0]), scaled(rss, mem[0])],
      { key: mem[1], axes: [{}, axis('y', function (v) { return short(v) + ' ' + mem[1] })] })
    var delay = timeline.map(function (p) { return p.eventLoopDelayP99Ms })
    var busy = timeline.map(function (p) { return p.eventLoopUtilization * 100 })
    var ms = axisUnit(delay, msUnits)
    chart('chart-eventloop', [
      { label: 'event-loop delay p99', format: function (v) { return duration(v * ms[0]) } },
      { label: 'utilization (right axis)', scale: '%', format: function (v) { return percent(v / 100) } },
    ], [xs, scaled(delay, ms[0]), busy], { key: ms[1], scales: { x: { time: true }, y: { auto: true }, '%': { range: [0, 100] } },
      axes: [{}, axis('y', function (v) { return short(v) + ' ' + ms[1] }), axis('%', function (v) { return v + '%' }, 1)] })
  }

  function render(snap) {
    document.getElementById('taken').textContent = new Date(snap.time).toISOString()
    var timeline = snap.timeline || []
    var xs = timeline.map(function (p) { return p.time / 1000 })
    throughput(timeline, xs)

    var stages = flatten(snap.stages || [], [])
    latency(stages)
    table('stages', [['stage', 'path'], ['count', 'count', count], ['errors', 'errors', count], ['p50 ms', 'p50'], ['p90 ms', 'p90'], ['p99 ms', 'p99'], ['max ms', 'maxMs'], ['total ms', 'totalMs'], ['self ms', 'selfMs']],
      stages.map(function (s) { return Object.assign({ __name: s.path }, s) }))

    // Hit ratio over time and now.
    var ratios = snap.hitRatios || []
    chart('chart-hit', ratios.map(function (r) { return { label: r.name + ' hit ratio', format: percent } }), [xs].concat(ratios.map(function (r) {
      return timeline.map(function (p) {
        var value = p.hitRatios ? p.hitRatios[r.name] : undefined
        return typeof value === 'number' ? value : null
      })
    })), { scales: { x: { time: true }, y: { range: [0, 1] } }, axes: [{}, axis('y', percent)] })
    table('hit-ratios', [['name', 'name'], ['hits', 'hits', count], ['misses', 'misses', count], ['ratio', 'ratio', percent]],
      ratios.map(function (r) { return Object.assign({ __name: r.name }, r) }))

    runtimeCharts(timeline, xs)
    var rt = snap.runtime
    var runtimeRows = []
    var row = function (name, label, value, format) { runtimeRows.push({ __name: name, name: label, value: value, format: format }) }
    if (rt) {
      row('heapUsed', 'heap used', rt.memory.heapUsed, bytes)
      row('rss', 'rss', rt.memory.rss, bytes)
      row('eventLoopDelayP99', 'event-loop delay p99', rt.eventLoopDelay.p99Ms, duration)
      row('eventLoopUtilization', 'event-loop utilization', rt.eventLoopUtilization, percent)
      for (var kind in rt.gc) row('gc.' + kind, 'gc ' + kind + ' pauses (count / total)', count(rt.gc[kind].count) + ' / ' + duration(rt.gc[kind].totalMs))
    }
    table('runtime', [['measure', 'name'], ['value', 'value', function (v, r) { return r.format(v) }]], runtimeRows)
    var byName = function (v, r) { return formatterOf(r.name)(v) }
    table('histograms', [['metric', 'id'], ['count', 'count', count], ['mean', 'mean', byName], ['p50', 'p50', byName], ['p90', 'p90', byName], ['p99', 'p99', byName], ['max', 'max', byName]],
      (snap.histograms || []).map(function (h) { var id = h.name + labelText(h.labels); return Object.assign({ __name: id, id: id }, h) }))
    table('counters', [['metric', 'id'], ['kind', 'kind'], ['value', 'value', byName]],
      (snap.counters || []).map(function (c) { var id = c.name + labelText(c.labels); return { __name: id, id: id, name: c.name, kind: 'counter', value: c.value } })
        .concat((snap.gauges || []).map(function (g) { var id = g.name + labelText(g.labels); return { __name: id, id: id, name: g.name, kind: 'gauge', value: g.value } })))
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
