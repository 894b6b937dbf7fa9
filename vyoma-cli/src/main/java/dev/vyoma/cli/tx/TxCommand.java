package dev.vyoma.cli.tx;

import dev.vyoma.cli.common.Args;
import dev.vyoma.cli.common.Group;
import dev.vyoma.cli.common.Subcommands;
import dev.vyoma.ledger.bank.Coin;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.tx.Msg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vyoma tx …}: sign and send transactions. */
@Subcommands({
    TxCommand.Bank.class,
    MarketTxCommands.Deployment.class,
    MarketTxCommands.Market.class,
    MarketTxCommands.Provider.class,
    MarketTxCommands.Audit.class,
    MarketTxCommands.Escrow.class,
    MarketTxCommands.Cert.class,
    InferenceTxCommands.Inference.class
})
@Command(name = "tx", description = "Sign a transaction with a key from the keyring and send it to a node.")
public final class TxCommand extends Group {
    @Subcommands({BankSend.class})
    @Command(name = "bank", description = "Bank transactions.")
    static final class Bank extends Group {}

    @Command(name = "send", description = "Send coins: vyoma tx bank send TO AMOUNT --from KEY (e.g. 1000000uusd).")
    static final class BankSend extends SignedTxCommand {
        @Parameters(index = "0", paramLabel = "TO", description = "The recipient's address.")
        String to;

        @Parameters(index = "1", paramLabel = "AMOUNT", description = "Amount and denom, e.g. 1000000uusd.")
        String amount;

        @Override
        protected Message prepare() {
            Address recipient = Args.address(to, "TO");
            Coin coin = Args.coin(amount, "AMOUNT");
            return key -> new Msg.Send(key.address(), recipient, coin);
        }
    }
}
