-- Vyoma network statistics, schema 1. Portable SQL: the same file migrates DuckDB (StatsDb's own runner)
-- and PostgreSQL (Flyway). Heights and times are BIGINT (times in epoch milliseconds, UTC); whole coin
-- amounts are BIGINT micro-units; rates per block are DECIMAL(38,18), the ledger's own 18 places.

-- Where the indexer is: the last block it applied, with that block's hash, for the chain it follows.
CREATE TABLE indexer_cursor (
    id INTEGER PRIMARY KEY,
    chain_id VARCHAR NOT NULL,
    height BIGINT NOT NULL,
    block_hash VARCHAR NOT NULL
);

-- Every indexed block: the clock every per-day figure is cut by.
CREATE TABLE block (
    height BIGINT PRIMARY KEY,
    time_ms BIGINT NOT NULL,
    hash VARCHAR NOT NULL
);

-- One row per lease, from LeaseCreated (price per block, resources of the leased group) and LeaseClosed.
CREATE TABLE lease (
    lease_id VARCHAR PRIMARY KEY,
    owner VARCHAR NOT NULL,
    provider VARCHAR NOT NULL,
    denom VARCHAR NOT NULL,
    price DECIMAL(38,18) NOT NULL,
    created_height BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    closed_height BIGINT,
    closed_ms BIGINT,
    close_reason INTEGER,
    cpu_millis BIGINT NOT NULL,
    memory_bytes BIGINT NOT NULL,
    storage_bytes BIGINT NOT NULL,
    gpu_units BIGINT NOT NULL,
    paid_micro BIGINT NOT NULL
);
CREATE INDEX lease_created ON lease (created_height);

-- Every escrow payment to a provider (EscrowPayment: on withdrawal and on close), whole micro-units.
CREATE TABLE payment (
    height BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    time_ms BIGINT NOT NULL,
    lease_id VARCHAR NOT NULL,
    provider VARCHAR NOT NULL,
    denom VARCHAR NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (height, seq)
);

-- Registered providers (ProviderCreated/Updated/Deleted) and the host their status endpoint answers on.
CREATE TABLE provider (
    owner VARCHAR PRIMARY KEY,
    host_uri VARCHAR NOT NULL,
    created_height BIGINT NOT NULL,
    deleted_height BIGINT
);

-- A provider's status endpoint, polled: ok with its capacity, or the failure.
CREATE TABLE provider_snapshot (
    provider VARCHAR NOT NULL,
    time_ms BIGINT NOT NULL,
    ok BOOLEAN NOT NULL,
    error VARCHAR,
    inventory VARCHAR,
    active_leases BIGINT NOT NULL,
    cpu_total BIGINT NOT NULL,
    cpu_allocatable BIGINT NOT NULL,
    cpu_allocated BIGINT NOT NULL,
    memory_total BIGINT NOT NULL,
    memory_allocatable BIGINT NOT NULL,
    memory_allocated BIGINT NOT NULL,
    storage_total BIGINT NOT NULL,
    storage_allocatable BIGINT NOT NULL,
    storage_allocated BIGINT NOT NULL,
    PRIMARY KEY (provider, time_ms)
);

-- GPUs of one snapshot, by model.
CREATE TABLE provider_snapshot_gpu (
    provider VARCHAR NOT NULL,
    time_ms BIGINT NOT NULL,
    vendor VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    vram VARCHAR NOT NULL,
    interface VARCHAR NOT NULL,
    total BIGINT NOT NULL,
    allocatable BIGINT NOT NULL,
    allocated BIGINT NOT NULL,
    PRIMARY KEY (provider, time_ms, vendor, model, vram, interface)
);

-- The operator's price table: USD for one whole token (10^6 micro-units) of a denomination, from a UTC day on.
CREATE TABLE price (
    denom VARCHAR NOT NULL,
    day VARCHAR NOT NULL,
    usd_per_token DECIMAL(38,18) NOT NULL,
    PRIMARY KEY (denom, day)
);
