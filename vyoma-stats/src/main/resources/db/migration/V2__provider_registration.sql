-- Schema 2: every registration of a provider, not only its last one. A provider deleted (ProviderDeleted) and
-- registered again (ProviderCreated) has one row per registration: [created_height, deleted_height), deleted_height
-- NULL while it lasts. The provider table keeps the present registration and host.
CREATE TABLE provider_registration (
    owner VARCHAR NOT NULL,
    created_height BIGINT NOT NULL,
    deleted_height BIGINT,
    PRIMARY KEY (owner, created_height)
);

-- A database indexed before schema 2 knows only each provider's last registration; re-indexing recovers the rest.
INSERT INTO provider_registration (owner, created_height, deleted_height)
    SELECT owner, created_height, deleted_height FROM provider;
