// The Lua scripts the Redis tier runs with EVAL: each one atomic on the server.

/**
 * Sets an entry (KEYS[1]) and adds it to its tags' sets (KEYS[3..]), whose TTL grows to the
 * entry's if shorter. With a fence (ARGV[3]), it first checks the latest fence issued for the key
 * (KEYS[2]): a write from an overtaken lock holder is refused (returns 0).
 */
export const SET_TAGGED = `
if ARGV[3] ~= '' then
  local latest = tonumber(redis.call('GET', KEYS[2]) or '0')
  if latest > tonumber(ARGV[3]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local ttl = tonumber(ARGV[2])
for i = 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  local left = redis.call('PTTL', KEYS[i])
  if left < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1`

// A tag set may list a key whose entry was since rewritten without that tag, so each member's
// record (see record.ts: crc | expiresAt | staleUntil | keyLength | key | tagsLength | tags JSON)
// is checked for the JSON-encoded tag (ARGV[i]) between array delimiters before it is deleted.
export const DELETE_TAGGED = `
local function carries(record, needle)
  if #record < 28 then return true end
  local keyLength = struct.unpack('>I4', record, 21)
  local tagsAt = 25 + keyLength
  if #record < tagsAt + 3 then return true end
  local tags = string.sub(record, tagsAt + 4, tagsAt + 3 + struct.unpack('>I4', record, tagsAt))
  local from = 1
  while true do
    local first, last = string.find(tags, needle, from, true)
    if not first then return false end
    local before = string.sub(tags, first - 1, first - 1)
    local after = string.sub(tags, last + 1, last + 1)
    if (before == '[' or before == ',') and (after == ',' or after == ']') then return true end
    from = first + 1
  end
end
local n = 0
for i = 1, #KEYS do
  local members = redis.call('SMEMBERS', KEYS[i])
  for _, member in ipairs(members) do
    local record = redis.call('GET', member)
    if record and carries(record, ARGV[i]) then n = n + redis.call('UNLINK', member) end
  end
  redis.call('UNLINK', KEYS[i])
end
return n`

/**
 * Takes a lock (KEYS[1]) for ARGV[2] ms if free, and issues the next fencing token of the key
 * (KEYS[2], kept ARGV[3] ms after its last use); returns the token, or 0 if the lock is held.
 */
export const LOCK = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return fence`

/** Releases a lock if the token still holds it (not after it expired and was taken again). */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`
