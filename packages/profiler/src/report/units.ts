/**
 * Readable units for the report's browser script (spliced into `clientScript`): counts with
 * thousands separators, bytes as KB/MB/GB, durations as µs/ms/s, ratios as percents. A metric's
 * unit is read from its name (`….bytes`, `….seconds`, `…Ms`, `…Ratio`), as the profiler names them.
 */
export const unitsScript = `
  // A plain number, 4 significant digits, without exponent notation in any usual range.
  function plain(value) {
    if (typeof value !== 'number' || !isFinite(value)) return String(value)
    return String(Number(value.toPrecision(4)))
  }
  // A count: whole numbers exact, with thousands separators.
  function count(value) {
    if (typeof value !== 'number' || !isFinite(value)) return String(value)
    var shown = value === Math.round(value) ? value : Number(value.toPrecision(4))
    return shown.toLocaleString('en-US', { maximumFractionDigits: 10 })
  }
  function short(value) { return String(Number(value.toPrecision(3))) }
  // The largest unit whose size fits the value: [[size, name], …] smallest first.
  function unitFor(value, units) {
    var pick = units[0]
    units.forEach(function (u) { if (Math.abs(value) >= u[0]) pick = u })
    return pick
  }
  var byteUnits = [[1, 'B'], [1024, 'KB'], [1048576, 'MB'], [1073741824, 'GB'], [1099511627776, 'TB']]
  var msUnits = [[0.001, 'µs'], [1, 'ms'], [1000, 's'], [60000, 'min']]
  function bytes(value) { var u = unitFor(value, byteUnits); return short(value / u[0]) + ' ' + u[1] }
  function duration(ms) { var u = ms === 0 ? msUnits[1] : unitFor(ms, msUnits); return short(ms / u[0]) + ' ' + u[1] }
  function percent(ratio) { return short(ratio * 100) + '%' }
  function rate(value) { return count(value) + '/s' }
  // How a metric named \`name\` reads: bytes, a duration (from seconds or ms), a percent, a count.
  function formatterOf(name) {
    if (/bytes$/i.test(name)) return bytes
    if (/(^|[._])seconds$/.test(name)) return function (s) { return duration(s * 1000) }
    if (/(^|[._])ms$|Ms$/.test(name)) return duration
    if (/ratio$|utilization$/i.test(name)) return percent
    return count
  }
  // An axis in one unit, chosen from the data's largest value: [size, name]; it plots data / size.
  function axisUnit(values, units) {
    var max = 0
    values.forEach(function (v) { if (typeof v === 'number' && Math.abs(v) > max) max = Math.abs(v) })
    return max === 0 ? units[1] : unitFor(max, units)
  }
`
