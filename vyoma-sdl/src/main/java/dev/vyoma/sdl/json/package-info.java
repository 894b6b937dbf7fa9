/**
 * JSON as Akash's Go code writes it: group specs and manifests in Go's field order and null/omit rules
 * ({@link dev.vyoma.sdl.json.AkashJson}), and a writer with Go's string escaping, optional indentation and
 * optional sorted keys ({@link dev.vyoma.sdl.json.JsonWriter}) for the canonical form the version hash
 * reads.
 */
package dev.vyoma.sdl.json;
