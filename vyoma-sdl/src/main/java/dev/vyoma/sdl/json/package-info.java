/**
 * JSON as Go writes it: a writer with Go's string escaping, optional indentation and optional sorted keys
 * ({@link dev.vyoma.sdl.json.JsonWriter}) for the canonical form a version hash reads, and the event sink an
 * emitter streams into ({@link dev.vyoma.sdl.json.JsonSink}), as text ({@link dev.vyoma.sdl.json.JsonText}) or as
 * map trees ({@link dev.vyoma.sdl.json.JsonTree}). It knows nothing of manifests or group specs.
 */
package dev.vyoma.sdl.json;
