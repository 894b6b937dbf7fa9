/**
 * Deployment group specs as they go on the ledger: placement requirements, resource units with their
 * CPU, memory, storage, GPU and endpoints, replica counts and prices. The shapes and orderings are
 * Akash's, so a provider written for Akash reads them unchanged.
 */
package dev.vyoma.sdl.spec;
