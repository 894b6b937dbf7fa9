/**
 * The manifest a tenant sends to the provider that won its lease: per group, the services with image,
 * command, environment, resources, exposed ports and storage mounts. {@link
 * dev.vyoma.sdl.manifest.ManifestVersion} hashes it exactly as Akash does, and that hash is what the
 * deployment records on the ledger.
 */
package dev.vyoma.sdl.manifest;
