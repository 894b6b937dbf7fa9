/**
 * Reading YAML into a small node tree with line and column for every node, guarded by limits: nesting
 * depth, and the number of nodes after aliases are expanded (so a "billion laughs" file fails fast in
 * the reader instead of exhausting memory later). Merge keys ({@code <<}) are applied as YAML 1.1 and
 * Go's yaml.v3 apply them.
 *
 * <p>Two readers build the tree: {@code BlockYaml}, for the block-style YAML SDL files are written in, and
 * SnakeYAML Engine for everything else, including every text with an error. They give the same tree wherever
 * both read a text ({@code BlockYamlTest}, {@code SdlFuzzTest}); the first is several times faster.
 */
package dev.vyoma.sdl.yaml;
