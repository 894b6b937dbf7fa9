/**
 * Why a tenant's order would or would not get bids, before anything is posted: every registered provider's public
 * offer, judged locally by the provider module's own matching, fit and price rules.
 */
package dev.vyoma.provider.screening;
