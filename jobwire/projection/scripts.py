"""The Lua that writes a job's projection; each script touches only keys of one job, which
share a hash tag, so it runs unchanged on Redis Cluster."""

from __future__ import annotations

from string import Template

from jobwire import redis_keys as keys

DELETED = -1
"""What ``PUBLISH`` answers for a job deleted a moment ago: the event is dropped."""

PUBLISH = Template("""
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', '$event', ARGV[1])
if KEYS[5] then
  local entry = {'$job', ARGV[6], '$user', ARGV[7], '$seq', seq, '$event', ARGV[1]}
  if ARGV[8] ~= '' then
    entry[#entry + 1] = '$trace'
    entry[#entry + 1] = ARGV[8]
  end
  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[5], '*', unpack(entry))
  redis.call('INCR', KEYS[6])
end
local old = tonumber(redis.call('HGET', KEYS[3], 'progress'))
local state = redis.call('HGET', KEYS[3], 'state')
local ended = state == '"completed"' or state == '"failed"' or state == '"cancelled"'
local fields = {'seq', seq}
for i = 9, #ARGV, 2 do
  if ARGV[i] == 'base' then
    ended = false
    fields[#fields + 1] = 'base_seq'
    fields[#fields + 1] = seq
  end
end
for i = 9, #ARGV, 2 do
  local name = ARGV[i]
  local lower = name == 'progress' and old and old > tonumber(ARGV[i + 1])
  local revived = ended and (name == 'state' or name == 'paused_by' or name == 'finished_at')
  if not (lower or revived) then
    fields[#fields + 1] = name
    fields[#fields + 1] = ARGV[i + 1]
  end
end
redis.call('HSET', KEYS[3], unpack(fields))
redis.call('HDEL', KEYS[3], 'observed')
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return seq
""").substitute(
    event=keys.EVENT_FIELD,
    job=keys.JOB_FIELD,
    user=keys.USER_FIELD,
    seq=keys.SEQ_FIELD,
    trace=keys.TRACE_FIELD,
)
"""KEYS: the job's counter, stream, record and tombstone, and on a single Redis the feed and
the published-events counter too (on a cluster they live in other slots, and the publisher
copies the event there in a second call). ARGV: the event, the stream's length, the stream's
and record's TTL, the counter's TTL, the feed's length, the job, its user and the
publishing span's traceparent (or ''), then field and value pairs. The entries' field names
are ``jobwire.redis_keys``'s, as the cluster's copy and every reader use.
``progress`` never goes down, and only a workflow transition (it carries ``base``) moves an
ended job's state: a late event of a phase attempt that outlived its job cannot revive it."""

WRITE_BACK = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local seq = redis.call('HGET', KEYS[1], 'seq') or '0'
if seq ~= ARGV[1] then return 0 end
local old = tonumber(redis.call('HGET', KEYS[1], 'progress'))
local overwrite = ARGV[3] == '1'
for i = 4, #ARGV, 2 do
  local name, value = ARGV[i], ARGV[i + 1]
  if name == 'progress' then
    if not (old and old > tonumber(value)) then redis.call('HSET', KEYS[1], name, value) end
  elseif overwrite or name == 'base' or name == 'observed' or name == 'checked_at' then
    redis.call('HSET', KEYS[1], name, value)
  else
    redis.call('HSETNX', KEYS[1], name, value)
  end
end
redis.call('HSET', KEYS[1], 'base_seq', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""
"""KEYS: the job's record and tombstone. ARGV: the ``seq`` the reader saw ('0': none), the
TTL, '1' when Temporal's state differs from the projection's (then its live fields win;
otherwise they only fill what is missing, since events run ahead of the workflow's view),
then field and value pairs. Nothing is written if an event was folded in meanwhile."""
