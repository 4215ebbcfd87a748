-- Applies a batch of orders of one store and day, each at most once.
-- KEYS[1] seen set (orderIds already counted), KEYS[2] totals hash, KEYS[3] units-per-SKU zset.
-- ARGV[1] seen-set TTL in seconds; then per order:
--   orderId, revenueCents, units, itemCount, then itemCount pairs of sku, quantity.
-- Returns how many orders were newly counted. Redis runs a script atomically, so the dedupe
-- check and the increments can never be split by a crash. The increments of the new orders are
-- summed here first, so the script issues one command per field and per SKU, not per order.
local ttl = tonumber(ARGV[1])
local i = 2
local applied, revenue, units = 0, 0, 0
local skus = {}
while i <= #ARGV do
  local n = tonumber(ARGV[i + 3])
  if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
    applied = applied + 1
    revenue = revenue + tonumber(ARGV[i + 1])
    units = units + tonumber(ARGV[i + 2])
    for j = 0, n - 1 do
      local sku = ARGV[i + 4 + 2 * j]
      skus[sku] = (skus[sku] or 0) + tonumber(ARGV[i + 5 + 2 * j])
    end
  end
  i = i + 4 + 2 * n
end
if applied > 0 then
  redis.call('HINCRBY', KEYS[2], 'revenueCents', revenue)
  redis.call('HINCRBY', KEYS[2], 'orders', applied)
  redis.call('HINCRBY', KEYS[2], 'units', units)
  for sku, quantity in pairs(skus) do
    redis.call('ZINCRBY', KEYS[3], quantity, sku)
  end
end
redis.call('EXPIRE', KEYS[1], ttl)
return applied
