/**
 * Akash's Stack Definition Language (SDL) 2.0 and 2.1. {@link dev.vyoma.sdl.Sdl#parse} reads a file and
 * gives either an {@link dev.vyoma.sdl.SdlDocument} (the group specs that go on the ledger, the manifest
 * that goes to the provider, and the manifest's version hash) or every {@link dev.vyoma.sdl.SdlError} in
 * the file, each with line, column and field path.
 */
package dev.vyoma.sdl;
