/**
 * {@code vyoma inference …}: run a model worker or the gateway, manage API keys, read usage, and
 * measure the gateway; the gateway's start-up lives in the inference module.
 */
package dev.vyoma.cli.inference;
