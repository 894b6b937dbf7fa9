/** The provider's bid engine: inventory and fit, the price list, and the decision to bid on an order. */
package dev.vyoma.provider.bid;
