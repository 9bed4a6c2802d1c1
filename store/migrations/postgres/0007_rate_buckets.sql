-- Token buckets of the per-address rate limits (server/rate_limiter.hpp) when they are
-- shared by several server nodes on one database. A row is one client's bucket of one
-- limit; rows that have refilled completely are deleted now and then.
CREATE TABLE rate_buckets (
  key          TEXT PRIMARY KEY,   -- "<limit name>:<client key>"
  tokens_milli BIGINT NOT NULL,    -- tokens left, in thousandths
  updated_ms   BIGINT NOT NULL     -- Unix milliseconds when tokens_milli was brought up to date
);
CREATE INDEX rate_buckets_updated ON rate_buckets (updated_ms);
