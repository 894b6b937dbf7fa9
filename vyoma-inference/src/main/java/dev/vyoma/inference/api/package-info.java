/** The OpenAI wire format both the worker and the gateway speak: request parsing, error objects, chunks. */
package dev.vyoma.inference.api;
