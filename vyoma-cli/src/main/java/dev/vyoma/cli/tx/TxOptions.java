package dev.vyoma.cli.tx;

import dev.vyoma.cli.common.ClientOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every transaction takes: where the keys and the node are, the signing key, a memo, whether to wait. */
public final class TxOptions {
    @Mixin
    public ClientOptions client;

    @Option(names = "--from", required = true, description = "The key that signs (vyoma keys list).")
    public String from;

    @Option(names = "--memo", description = "A note stored with the transaction.", defaultValue = "")
    String memo;

    @Option(names = "--no-wait", description = "Return once the node admits it, without waiting for a block.")
    boolean noWait;
}
