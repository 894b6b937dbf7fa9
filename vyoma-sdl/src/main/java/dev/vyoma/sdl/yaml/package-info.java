/**
 * Reading YAML into a small node tree with line and column for every node, guarded by limits: nesting
 * depth, and the number of nodes after aliases are expanded (so a "billion laughs" file fails fast in
 * the reader instead of exhausting memory later). Merge keys ({@code <<}) are applied as YAML 1.1 and
 * Go's yaml.v3 apply them.
 */
package dev.vyoma.sdl.yaml;
