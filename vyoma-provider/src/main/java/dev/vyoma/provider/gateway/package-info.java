/** The provider's HTTPS gateway for tenants: manifests, authenticated by lease tokens, checked against the chain. */
package dev.vyoma.provider.gateway;
