/** A report's presentations: a JSON tree, an aligned table, markdown and HTML, and PNG charts (XChart). */
package dev.vyoma.stats.report;
