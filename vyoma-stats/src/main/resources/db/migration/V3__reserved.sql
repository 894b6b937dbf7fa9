-- Schema 3: what providers report as reserved by open bids (Akash's "pending"), beside allocated, so that Akash's
-- utilisation, (allocated + reserved) / capacity, can be computed. Rows stored before read 0 (nothing was kept).
ALTER TABLE provider_snapshot ADD COLUMN cpu_reserved BIGINT DEFAULT 0;
ALTER TABLE provider_snapshot ADD COLUMN memory_reserved BIGINT DEFAULT 0;
ALTER TABLE provider_snapshot ADD COLUMN storage_reserved BIGINT DEFAULT 0;
ALTER TABLE provider_snapshot_gpu ADD COLUMN reserved BIGINT DEFAULT 0;
