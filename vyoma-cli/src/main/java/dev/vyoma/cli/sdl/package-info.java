/**
 * {@code vyoma sdl …}: validate Akash SDL files and show what they deploy: group specs, manifest,
 * manifest version hash.
 */
package dev.vyoma.cli.sdl;
