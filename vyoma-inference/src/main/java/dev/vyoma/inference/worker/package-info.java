/**
 * The model worker: one GGUF model loaded into llama.cpp, served with an OpenAI-compatible API on the port
 * its lease gives it. It counts tokens exactly as the model sees them and reports usage in every response.
 */
package dev.vyoma.inference.worker;
