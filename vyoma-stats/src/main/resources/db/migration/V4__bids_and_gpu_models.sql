-- Schema 4: the bids on groups that ask for GPUs (GPU prices by model, as Akash's gpu-prices reads bids), and the GPU
-- model a lease's group asks for. gpu_model is 'vendor model' when every GPU of the group asks for the same single
-- model, '' otherwise (no GPU, several models, or any model). A database indexed before schema 4 has no bids and ''
-- for every lease: re-index it to fill them.
CREATE TABLE bid (
    bid_id VARCHAR PRIMARY KEY,
    provider VARCHAR NOT NULL,
    denom VARCHAR NOT NULL,
    price DECIMAL(38,18) NOT NULL,
    created_height BIGINT NOT NULL,
    created_ms BIGINT NOT NULL,
    gpu_units BIGINT NOT NULL,
    gpu_model VARCHAR NOT NULL
);
CREATE INDEX bid_created ON bid (created_height);
ALTER TABLE lease ADD COLUMN gpu_model VARCHAR DEFAULT '';
