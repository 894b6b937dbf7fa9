/**
 * The manifest a tenant sends to the provider that won its lease: per group, the services with image,
 * command, environment, resources, exposed ports and storage mounts. {@link
 * dev.vyoma.sdl.manifest.ManifestVersion} hashes it exactly as Akash does, and that hash is what the
 * deployment records on the ledger. {@link dev.vyoma.sdl.manifest.ManifestReader} is the other direction: a
 * provider reads the JSON a tenant sends into these records once, strictly and within {@link
 * dev.vyoma.sdl.manifest.ManifestLimits}, with the naming rules of {@link dev.vyoma.sdl.manifest.ManifestNames} that
 * the SDL reader applies too. {@link dev.vyoma.sdl.manifest.AkashJson} writes manifests and group specs as Akash's
 * Go code does (field order, null and omit rules), as trees or streamed text, for the version hash and for output.
 */
package dev.vyoma.sdl.manifest;
