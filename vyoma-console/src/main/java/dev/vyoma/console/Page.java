package dev.vyoma.console;

import java.util.List;

/**
 * What every page shows around its content: its title, which menu entry it is, the CSRF token its forms carry, the
 * node and its height, and a message after an action ({@code flash}) or an error.
 */
record Page(String title, String nav, String csrf, String node, long height, String flash, String error) {
    /** One entry of the menu. */
    record Nav(String id, String label, String href) {}

    /** The menu, in the order shown. */
    static final List<Nav> NAV = List.of(
            new Nav("accounts", "Accounts", "/accounts"),
            new Nav("templates", "Templates", "/templates"),
            new Nav("editor", "SDL editor", "/editor"),
            new Nav("deployments", "Deployments", "/deployments"),
            new Nav("providers", "Providers", "/providers"),
            new Nav("network", "Network", "/network"));

    Page withError(String message) {
        return new Page(title, nav, csrf, node, height, flash, message);
    }
}
