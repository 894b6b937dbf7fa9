/**
 * The SDL pipeline behind {@link dev.vyoma.sdl.Sdl}: decode the YAML tree into input records with Go's
 * yaml.v3 typing rules ({@link dev.vyoma.sdl.read.InputDecoder}), check every rule of Akash's parser,
 * chain and manifest validation on them ({@link dev.vyoma.sdl.read.InputValidator}), and build group
 * specs and the manifest in Akash's exact order ({@link dev.vyoma.sdl.read.GroupBuilder}). Every check
 * reports into one {@link dev.vyoma.sdl.read.Problems} so that a file's errors come out together.
 */
package dev.vyoma.sdl.read;
