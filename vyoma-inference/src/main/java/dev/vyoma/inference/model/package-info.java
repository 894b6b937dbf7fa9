/** Model files: a tiny random-weight GGUF for tests and the devnet. */
package dev.vyoma.inference.model;
