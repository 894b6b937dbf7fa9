/** The dashboard: an HTML page with the report's metrics and charts, and the JSON API behind it (Javalin). */
package dev.vyoma.stats.dashboard;
