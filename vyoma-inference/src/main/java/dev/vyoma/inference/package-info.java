/**
 * Inference on the market: model workers that serve GGUF models through llama.cpp with an OpenAI-compatible
 * API and run as ordinary leases, and a gateway that leases them, routes each request to a healthy replica,
 * meters tokens and settles per-token charges on the ledger.
 */
package dev.vyoma.inference;
