/** The process runtime: a lease's services as local processes, with the image table and re-adoption after restarts. */
package dev.vyoma.provider.runtime;
