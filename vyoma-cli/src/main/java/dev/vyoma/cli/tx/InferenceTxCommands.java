package dev.vyoma.cli.tx;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.ledger.tx.Msg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vyoma tx inference open|deposit|close}: the ledger's prepaid inference accounts. */
final class InferenceTxCommands {
    private InferenceTxCommands() {}

    @Subcommands({TxOpen.class, TxDeposit.class, TxClose.class})
    @Command(name = "inference", description = "Prepaid inference accounts a gateway may charge.")
    static final class Inference extends Group {}

    @Command(
            name = "open",
            description = "Open an inference account: vyoma tx inference open GATEWAY AMOUNT --from KEY.")
    static final class TxOpen extends SignedTxCommand {
        @Parameters(
                index = "0",
                paramLabel = "GATEWAY",
                description = "The gateway's address (it may charge the account).")
        String gateway;

        @Parameters(index = "1", paramLabel = "AMOUNT", description = "The first deposit, e.g. 10000000uusd.")
        String amount;

        @Override
        protected Message prepare() {
            return key ->
                    new Msg.OpenInferenceAccount(key.address(), Args.address(gateway, "GATEWAY"), Args.coin(amount));
        }
    }

    @Command(
            name = "deposit",
            description = "Add to your inference account: vyoma tx inference deposit GATEWAY AMOUNT.")
    static final class TxDeposit extends SignedTxCommand {
        @Parameters(index = "0", paramLabel = "GATEWAY")
        String gateway;

        @Parameters(index = "1", paramLabel = "AMOUNT")
        String amount;

        @Override
        protected Message prepare() {
            return key ->
                    new Msg.DepositInferenceAccount(key.address(), Args.address(gateway, "GATEWAY"), Args.coin(amount));
        }
    }

    @Command(name = "close", description = "Close your inference account; the balance comes back.")
    static final class TxClose extends SignedTxCommand {
        @Parameters(index = "0", paramLabel = "GATEWAY")
        String gateway;

        @Override
        protected Message prepare() {
            return key -> new Msg.CloseInferenceAccount(key.address(), Args.address(gateway, "GATEWAY"));
        }
    }
}
