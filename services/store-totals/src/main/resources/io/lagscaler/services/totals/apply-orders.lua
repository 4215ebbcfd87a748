-- Applies a batch of orders of one store and day, each at most once.
-- KEYS[1] seen set (orderIds already counted), KEYS[2] totals hash, KEYS[3] units-per-SKU zset.
-- ARGV[1] seen-set TTL in seconds; then per order:
--   orderId, revenueCents, units, itemCount, then itemCount pairs of sku, quantity.
-- Returns how many orders were newly counted. Redis runs a script atomically, so the dedupe
-- check and the increments can never be split by a crash.
local ttl = tonumber(ARGV[1])
local i = 2
local applied = 0
while i <= #ARGV do
  local orderId = ARGV[i]
  local revenue = ARGV[i + 1]
  local units = ARGV[i + 2]
  local n = tonumber(ARGV[i + 3])
  i = i + 4
  if redis.call('SADD', KEYS[1], orderId) == 1 then
    redis.call('HINCRBY', KEYS[2], 'revenueCents', revenue)
    redis.call('HINCRBY', KEYS[2], 'orders', 1)
    redis.call('HINCRBY', KEYS[2], 'units', units)
    for j = 0, n - 1 do
      redis.call('ZINCRBY', KEYS[3], ARGV[i + 2 * j + 1], ARGV[i + 2 * j])
    end
    applied = applied + 1
  end
  i = i + 2 * n
end
redis.call('EXPIRE', KEYS[1], ttl)
return applied
